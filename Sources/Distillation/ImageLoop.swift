// The outer loop every image-optimising method shares (DM, DC/DSA, IDC/DREAM): iterations with
// progress, Ctrl-C and checkpoints of the state kept between iterations: the synthetic images
// (pixels for IDC), the SGD momentum buffer, the generator and the loss history.
import TensorCore
import NeuralNet

/// Running, saving and restoring an image-optimisation loop at iteration boundaries.
enum ImageLoopState {
    /// Runs the iterations `result` has not done yet, up to `total`: resumes from `checkpoint`
    /// when it holds a state for these settings, reports progress, stops on Ctrl-C, and saves
    /// the state every `checkpoint.every` iterations, at the end and when stopping. `iteration`
    /// returns the loss and false when Ctrl-C stopped it midway (the checkpoint then keeps the
    /// last finished iteration). `images` are the optimised tensor as the method stores it.
    /// Long iterations report `stepsPerIteration` sub-steps each through the `report(step, loss)`
    /// callback they are given, so the progress bar moves within an iteration.
    static func run<Config: Encodable>(
        method: String, total: Int, config: Config, checkpoint: Checkpoint?, progress: ProgressSink,
        stepsPerIteration: Int = 1, extras: LoopExtras? = nil,
        images: inout Tensor, optimizer: inout SGD, rng: inout SeededRNG, result: inout SyntheticSet,
        iteration: (inout Tensor, inout SGD, inout SeededRNG, (Int, Float) -> Void) throws -> (loss: Float, complete: Bool)
    ) throws {
        var start = 0
        if let saved = try checkpoint?.load(method: method, config: config) {
            try resume(from: saved, method: method, total: total, images: &images, optimizer: &optimizer, rng: &rng, result: &result)
            try extras?.restore(from: saved, method: method)
            start = saved.step
        }
        let steps = Swift.max(1, stepsPerIteration)
        progress.begin(start > 0 ? "\(method) (resumed from iteration \(start))" : method, total: total * steps)
        defer { progress.end(interrupted: result.interrupted) }
        for it in start..<total {
            let boundary = checkpoint == nil ? nil : state(images, optimizer, rng, result, extras)
            let report = { (step: Int, loss: Float) in
                if steps > 1 { progress.update(step: it * steps + step, figures: [("loss", Double(loss)), ("iteration", Double(it + 1))]) }
            }
            let (loss, complete) = try iteration(&images, &optimizer, &rng, report)
            guard complete else {
                if let checkpoint, let boundary { try checkpoint.save(boundary, method: method, config: config) }
                result.interrupted = true
                return
            }
            result.loss.append(loss)
            result.iterations = it + 1
            if steps == 1 { progress.update(step: it + 1, figures: [("loss", Double(loss))]) }
            let stopping = Interrupt.isRequested && it + 1 < total
            if let checkpoint, checkpoint.isDue(step: it + 1, of: total, stopping: stopping) {
                try checkpoint.save(state(images, optimizer, rng, result, extras), method: method, config: config)
            }
            if stopping { result.interrupted = true; return }
        }
    }

    /// The state after the iterations `result` records.
    static func state(_ images: Tensor, _ optimizer: SGD, _ rng: SeededRNG, _ result: SyntheticSet,
                      _ extras: LoopExtras? = nil) -> Checkpoint.State {
        var tensors = ["images": [images]]
        if let v = optimizer.velocity { tensors["velocity"] = v }
        var numbers: [String: Double] = [:]
        if let extras {
            tensors.merge(extras.tensors) { a, _ in a }
            numbers = extras.numbers
        }
        return Checkpoint.State(step: result.iterations, rng: rng, loss: result.loss, tensors: tensors, numbers: numbers)
    }

    /// Puts a saved state back into the loop's variables, checking it fits this run of
    /// `total` iterations.
    static func resume(from saved: Checkpoint.State, method: String, total: Int, images: inout Tensor, optimizer: inout SGD,
                       rng: inout SeededRNG, result: inout SyntheticSet) throws {
        guard saved.step <= total else {
            throw TensorError("\(method): the checkpoint has \(saved.step) iterations done, more than the \(total) asked for (HINT: ask for \(saved.step) or more, or give another checkpoint path)")
        }
        guard let saved0 = saved.tensors["images"], saved0.count == 1, saved0[0].shape == images.shape else {
            throw TensorError("\(method): the checkpoint's images do not have shape \(images.shape.shapeText)")
        }
        if let v = saved.tensors["velocity"] {
            guard v.count == 1, v[0].shape == images.shape else { throw TensorError("\(method): the checkpoint's momentum does not match the images") }
            optimizer.restore(velocity: v)
        }
        images = saved0[0]
        rng = saved.rng
        result.loss = saved.loss
        result.iterations = saved.step
    }
}

/// Learnable state a method keeps besides the images and their SGD buffer (MTT's step size,
/// DD's step sizes and Adam moments): saved in checkpoints with the images and put back on
/// resume. A class, so the iteration closure updates the same box the loop saves.
final class LoopExtras {
    /// Named tensors; the names must not be "images" or "velocity".
    var tensors: [String: [Tensor]]
    var numbers: [String: Double]

    init(tensors: [String: [Tensor]] = [:], numbers: [String: Double] = [:]) {
        self.tensors = tensors
        self.numbers = numbers
    }

    /// Takes back the saved values of every tensor and number this box holds; shapes must match
    /// (a missing entry keeps its start value, as an optimiser buffer before its first step).
    func restore(from saved: Checkpoint.State, method: String) throws {
        for (name, now) in tensors {
            guard let s = saved.tensors[name] else { continue }
            guard s.count == now.count || now.isEmpty, zip(s, now).allSatisfy({ $0.shape == $1.shape }) else {
                throw TensorError("\(method): the checkpoint's '\(name)' does not match this run")
            }
            tensors[name] = s
        }
        for name in saved.tensors.keys where tensors[name] == nil && name != "images" && name != "velocity" {
            tensors[name] = saved.tensors[name]
        }
        numbers.merge(saved.numbers) { _, b in b }
    }
}
