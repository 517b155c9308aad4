// DD: Wang, Zhu, Torralba, Efros, "Dataset Distillation" (arXiv 1811.10959; reference
// train_distilled_image.py). Distilled images plus one learned step size per unrolled GD step;
// the loss is the real-data loss after the steps. Evaluation by the paper's protocol: DD+Evaluation.
import Autograd
import Datasets
import Foundation
import NeuralNet
import TensorCore

/// Where DD's unrolled training starts.
public enum DDInit: String, Codable, Sendable, CaseIterable {
    /// One known initialisation, the same every iteration (and in evaluation).
    case fixed
    /// A fresh initialisation every iteration (the paper's "unknown init").
    case random
}

/// DD settings; defaults are the reference code's for MNIST (REFERENCE.md §2.8).
public struct DDConfig: Codable, Equatable, Sendable {
    /// Distilled images per class in all, split evenly over `steps`.
    public var ipc: Int
    /// Distinct GD steps (each with its own images) and passes over them: steps × epochs
    /// unrolled steps, each with its own learned step size.
    public var steps: Int = 10
    public var epochs: Int = 3
    public var iterations: Int = 1000
    /// Real images in the batch the final parameters are judged on.
    public var batchReal: Int = 1024
    /// Adam (β 0.5, 0.999) on images and step sizes; ×`decayFactor` every `decayEvery` iterations (0: never).
    public var learningRate: Float = 0.01
    public var decayEvery: Int = 0
    public var decayFactor: Float = 0.5
    /// Every step size starts here (softplus-parameterised).
    public var initialStepSize: Float = 0.02
    public var initialization: DDInit = .random
    /// Epochs of training on real data before the start weights are used (0: untrained
    /// weights). With `random`, start weights are drawn from a pool of `pool` such networks.
    public var pretrainEpochs: Int = 0
    public var pool: Int = 4
    /// Distilled images start as N(0, 1) noise (the reference) or real images.
    public var imageInit: SyntheticInit = .noise
    public var model: ModelSpec = ModelSpec(kind: .lenet)
    public var memory: Unrolled.Memory = .plain
    public var seed: UInt64 = 0

    public init(ipc: Int) { self.ipc = ipc }

    /// Total unrolled steps.
    public var unrolledSteps: Int { steps * epochs }

    func validate() throws {
        guard ipc >= 1 else { throw TensorError("dd: ipc must be >= 1, got \(ipc)") }
        guard steps >= 1, epochs >= 1 else { throw TensorError("dd: steps and epochs must be >= 1, got \(steps) and \(epochs)") }
        guard ipc % steps == 0 else {
            throw TensorError("dd: ipc \(ipc) is not a multiple of steps \(steps) (each step has ipc/steps images per class)")
        }
        guard iterations >= 0 else { throw TensorError("dd: iterations must be >= 0, got \(iterations)") }
        guard batchReal >= 1 else { throw TensorError("dd: batch_real must be >= 1, got \(batchReal)") }
        guard learningRate > 0, learningRate.isFinite else { throw TensorError("dd: lr must be positive, got \(learningRate)") }
        guard initialStepSize > 0, initialStepSize.isFinite else { throw TensorError("dd: step size must be positive, got \(initialStepSize)") }
        guard pretrainEpochs >= 0, pool >= 1 else { throw TensorError("dd: pretrain epochs must be >= 0 and pool >= 1") }
        guard decayEvery >= 0, decayFactor > 0 else { throw TensorError("dd: decay_every must be >= 0 and the factor positive") }
    }
}

public enum DD {
    /// Distils `data.train` into `ipc` images per class and `steps × epochs` step sizes.
    public static func run(_ data: Dataset, config: DDConfig, checkpoint: Checkpoint? = nil,
                           control: RunControl = RunControl(),
                           progress: ProgressSink = SilentProgress()) throws -> SyntheticSet {
        try config.validate()
        let split = data.train
        let classes = data.classCount
        var rng = SeededRNG(seed: config.seed)
        var images = try SyntheticSet.initialImages(split, ipc: config.ipc, classes: classes, mode: config.imageInit, rng: &rng)
        let starts = try startPool(data, config: config, seed: initSeed(config), progress: progress)
        let raw0 = inverseSoftplus(config.initialStepSize)
        let extras = LoopExtras(tensors: ["raw_lrs": [Tensor(unchecked: [config.unrolledSteps], data: .init(repeating: raw0, count: config.unrolledSteps))],
                                          "adam_m": [], "adam_v": []],
                                numbers: ["adam_step": 0, "skipped": 0])
        var result = SyntheticSet(images: images, labels: SyntheticSet.classMajorLabels(classes: classes, ipc: config.ipc), ipc: config.ipc,
                                  classNames: data.classNames, normalization: data.normalization, method: "dd")
        var unused = SGD(learningRate: 1)
        try ImageLoopState.run(method: "dd", total: config.iterations, config: config, checkpoint: checkpoint, progress: progress,
                               control: control, extras: extras, images: &images, optimizer: &unused, rng: &rng, result: &result) { images, _, rng, _ in
            (try iteration(images: &images, extras: extras, split: split, starts: starts, config: config, rng: &rng), true)
        }
        result.images = images
        let lrs = softplus(extras.tensors["raw_lrs"]![0].data)
        result.settings = settings(config, lrs: lrs)
        result.settings["skipped"] = "\(Int(extras.numbers["skipped"] ?? 0))"
        return result
    }

    /// One DD iteration: start weights, unrolled steps on the distilled images, real-data loss,
    /// one Adam step on the images and raw step sizes. Returns the loss.
    static func iteration(images: inout Tensor, extras: LoopExtras, split: DatasetSplit, starts: StartPool, config: DDConfig,
                          rng: inout SeededRNG) throws -> Float {
        let done = Int(extras.numbers["adam_step"] ?? 0) + Int(extras.numbers["skipped"] ?? 0)  // iterations done
        let net = try starts.draw(rng: &rng)
        let real = try split.gather(randomIndices(count: split.count, take: config.batchReal, rng: &rng))
        let raw = extras.tensors["raw_lrs"]![0]
        let r = try unrolledGradient(net: net, images: images, raw: raw, real: real, classes: split.classCount, config: config)
        // A start network that diverges under the current step sizes gives a non-finite loss
        // or gradient: skip the update (counted) rather than poison images and step sizes.
        guard r.loss.isFinite, r.gradients.allSatisfy({ $0.data.allSatisfy(\.isFinite) }) else {
            extras.numbers["skipped", default: 0] += 1
            return r.loss
        }
        var adam = Adam(learningRate: config.learningRate, beta1: 0.5, beta2: 0.999)
        if config.decayEvery > 0 {
            adam.learningRate *= Float(pow(Double(config.decayFactor), Double(done / config.decayEvery)))
        }
        if let m = extras.tensors["adam_m"], let v = extras.tensors["adam_v"], !m.isEmpty {
            adam.restore(step: Int(extras.numbers["adam_step"] ?? 0), m: m, v: v)
        }
        var params = [images, raw]
        try adam.step(&params, r.gradients)
        images = params[0]
        extras.tensors["raw_lrs"] = [params[1]]
        extras.tensors["adam_m"] = adam.m
        extras.tensors["adam_v"] = adam.v
        extras.numbers["adam_step"] = Double(adam.step)
        return r.loss
    }

    /// The real-data loss after the unrolled steps from `net`'s weights on the distilled
    /// images, and its gradients with respect to the images and the raw (pre-softplus) step sizes.
    static func unrolledGradient(net: Model, images: Tensor, raw: Tensor, real: (images: Tensor, labels: [Int]), classes: Int,
                                 config: DDConfig) throws -> Unrolled.Result {
        let layout = StepLayout(classes: classes, ipc: config.ipc, steps: config.steps)
        // Checkpointed memory also splits the real batch: its mean loss is the sum of the
        // chunks' means weighted by their share, and only one chunk's graph lives at a time.
        let n = Swift.max(real.labels.count, 1)
        let chunk = config.memory == .checkpointed ? realChunk : n
        let parts = (n + chunk - 1) / chunk
        return try Unrolled.gradient(
            start: net.parameters, steps: config.unrolledSteps, learnable: [images, raw], memory: config.memory,
            step: { theta, k, l in
                let lr = try softplus(try l[1].slice(axis: 0, k..<(k + 1)))
                let (x, y) = try layout.batch(l[0], step: k % config.steps)
                return try Unrolled.sgdStep(net, theta, images: x, labels: y, lr: lr)
            },
            parts: parts,
            loss: { theta, i in
                guard parts > 1 else {
                    return try net.forward(Variable(real.images), parameters: theta, mode: .train).crossEntropy(labels: real.labels)
                }
                let range = (i * chunk)..<Swift.min(n, (i + 1) * chunk)
                let x = try real.images.slice(axis: 0, range)
                let ce = try net.forward(Variable(x), parameters: theta, mode: .train).crossEntropy(labels: Array(real.labels[range]))
                return ce * (Float(range.count) / Float(n))
            })
    }

    /// Real images per chunk of the loss under checkpointed memory.
    static let realChunk = 256

    /// Which distilled images and labels each of the `steps` distinct steps uses: the
    /// images are class-major, and step j takes the j-th block of ipc/steps of every class.
    struct StepLayout {
        let classes: Int, ipc: Int, steps: Int
        var perStep: Int { ipc / steps }

        func indices(step j: Int) -> [Int] {
            (0..<classes).flatMap { c in (0..<perStep).map { c * ipc + j * perStep + $0 } }
        }

        func labels(step j: Int) -> [Int] { (0..<classes).flatMap { [Int](repeating: $0, count: perStep) } }

        func batch(_ images: Variable, step j: Int) throws -> (Variable, [Int]) {
            (try images.indexSelect(indices(step: j)), labels(step: j))
        }
    }

    /// The seed of the fixed initialisation (and of the pre-training pool), from the run's seed.
    static func initSeed(_ config: DDConfig) -> UInt64 { config.seed &+ 0x5EED_0DD0 }

    /// `count` distinct indices below `n` (all of them, shuffled, when count >= n).
    static func randomIndices(count n: Int, take: Int, rng: inout SeededRNG) -> [Int] {
        var idx = Array(0..<n)
        let k = Swift.min(take, n)
        for i in 0..<k {
            let j = i + rng.nextInt(below: n - i)
            idx.swapAt(i, j)
        }
        return Array(idx.prefix(k))
    }

    static func inverseSoftplus(_ y: Float) -> Float { Float(Foundation.log(Foundation.expm1(Double(y)))) }

    static func softplus(_ x: [Float]) -> [Float] {
        x.map { v in v > 20 ? v : Float(Foundation.log1p(Foundation.exp(Double(v)))) }
    }

    static func softplus(_ x: Variable) throws -> Variable { (x.exp() + 1).log() }

    /// What evaluation needs to repeat the run's protocol, as the set's settings.
    static func settings(_ c: DDConfig, lrs: [Float]) -> [String: String] {
        let spec = (try? JSONEncoder().encode(c.model)).flatMap { String(data: $0, encoding: .utf8) } ?? ""
        return ["iterations": "\(c.iterations)", "steps": "\(c.steps)", "epochs": "\(c.epochs)", "batch_real": "\(c.batchReal)",
                "lr": "\(c.learningRate)", "decay_every": "\(c.decayEvery)", "init": c.initialization.rawValue, "pretrain_epochs": "\(c.pretrainEpochs)",
                "pool": "\(c.pool)", "model": c.model.description, "model_spec": spec, "init_seed": "\(initSeed(c))",
                "step_lrs": lrs.map { "\($0)" }.joined(separator: ","), "memory": c.memory.rawValue, "seed": "\(c.seed)"]
    }
}
