// The outer loop every image-optimising method shares (DM, DC/DSA, IDC/DREAM): iterations with
// progress, Ctrl-C, a wall-clock budget, and checkpoints of the state kept between iterations:
// the synthetic images (pixels for IDC), the SGD momentum buffer, the generator and the loss
// history. The same state is left in the returned set, so a later call can resume from it.
import Foundation
import Persistence
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
    /// `control` adds a wall-clock budget and resuming from an earlier run's set.
    static func run<Config: Encodable>(
        method: String, total: Int, config: Config, checkpoint: Checkpoint?, progress: ProgressSink,
        stepsPerIteration: Int = 1, control: RunControl = RunControl(),
        images: inout Tensor, optimizer: inout SGD, rng: inout SeededRNG, result: inout SyntheticSet,
        iteration: (inout Tensor, inout SGD, inout SeededRNG, (Int, Float) -> Void) throws -> (loss: Float, complete: Bool)
    ) throws {
        let configJSON = try JSONValue(encoding: config)
        var start = 0
        let saved: Checkpoint.State?
        if let earlier = control.resume {
            saved = try resumable(earlier, method: method, config: configJSON)
        } else {
            saved = try checkpoint?.load(method: method, config: config)
        }
        if let saved {
            try resume(from: saved, method: method, total: total, images: &images, optimizer: &optimizer, rng: &rng, result: &result)
            start = saved.step
        }
        // Whatever way the loop ends, the set carries the state of its last finished iteration.
        var last = state(images, optimizer, rng, result)
        defer {
            result.resumeState = ResumeState(method: method, config: configJSON, state: last)
            result.checkpointFailure = checkpoint?.failure
        }
        let steps = Swift.max(1, stepsPerIteration)
        progress.begin(start > 0 ? "\(method) (resumed from iteration \(start))" : method, total: total * steps)
        defer { progress.end(interrupted: result.interrupted) }
        let clock = ContinuousClock()
        let began = clock.now
        var durations: [Duration] = []
        for it in start..<total {
            if let budget = control.budget, durations.count >= 2 {
                // The next iteration is judged by the median of those done, the first left out
                // once there are others (it carries one-off work: DREAM's first clustering...).
                let typical = median(Array(durations.dropFirst()))
                if (clock.now - began + typical).seconds > budget {
                    result.budgetSpent = true
                    checkpoint?.trySave(last, method: method, config: config)
                    return
                }
            }
            let iterationBegan = clock.now
            let report = { (step: Int, loss: Float) in
                if steps > 1 { progress.update(step: it * steps + step, figures: [("loss", Double(loss)), ("iteration", Double(it + 1))]) }
            }
            let (loss, complete) = try iteration(&images, &optimizer, &rng, report)
            guard complete else {
                checkpoint?.trySave(last, method: method, config: config)
                result.interrupted = true
                return
            }
            // Diverged (a non-finite loss or step turned pixels into nan or inf): hand back the
            // last finished iteration's images and state, marked, instead of a set of nans.
            if let bad = nonFinite(images) {
                images = last.tensors["images"]![0]
                optimizer.restore(velocity: last.tensors["velocity"])
                rng = last.rng
                result.diverged = "iteration \(it + 1) made \(bad) of \(images.count) image values non-finite (loss \(loss)); the set holds the images of iteration \(it)"
                return
            }
            durations.append(clock.now - iterationBegan)
            result.loss.append(loss)
            result.iterations = it + 1
            last = state(images, optimizer, rng, result)
            if steps == 1 { progress.update(step: it + 1, figures: [("loss", Double(loss))]) }
            let stopping = Interrupt.isRequested && it + 1 < total
            if let checkpoint, checkpoint.isDue(step: it + 1, of: total, stopping: stopping) {
                checkpoint.trySave(last, method: method, config: config)
            }
            if stopping { result.interrupted = true; return }
        }
    }

    /// How many values of `t` are nan or infinite; nil when all are finite.
    static func nonFinite(_ t: Tensor) -> Int? {
        let n = t.data.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
        return n == 0 ? nil : n
    }

    /// The state after the iterations `result` records.
    static func state(_ images: Tensor, _ optimizer: SGD, _ rng: SeededRNG, _ result: SyntheticSet) -> Checkpoint.State {
        var tensors = ["images": [images]]
        if let v = optimizer.velocity { tensors["velocity"] = v }
        return Checkpoint.State(step: result.iterations, rng: rng, loss: result.loss, tensors: tensors, numbers: [:])
    }

    /// The state of an earlier run's set, checked to belong to this method and settings.
    static func resumable(_ earlier: SyntheticSet, method: String, config: JSONValue) throws -> Checkpoint.State {
        guard let r = earlier.resumeState else {
            throw TensorError("\(method): the set to resume holds no run state (only sets returned by distill in this session can be resumed; use checkpoint= to resume across sessions)")
        }
        guard r.method == method else {
            throw TensorError("\(method): the set to resume was made by \(r.method), not \(method)")
        }
        let differences = try config.differences(from: r.config, ignoring: ["iterations"])
        guard differences.isEmpty else {
            throw TensorError("\(method): the set to resume was made with other settings: \(differences.joined(separator: "; ")) (HINT: resume with the same settings; only iterations may change)")
        }
        return r.state
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

/// The middle value (the upper of the two middle ones for an even count).
func median(_ values: [Duration]) -> Duration {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}
