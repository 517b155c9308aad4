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
    /// Stored as optional so configs written before it decode (as `.none`, what they did).
    var realAugmentSetting: RealAugment?
    /// How each real batch is augmented: `.cropFlip` on colour images, as the reference's CIFAR-10.
    public var realAugment: RealAugment {
        get { realAugmentSetting ?? .none }
        set { realAugmentSetting = newValue }
    }

    public init(ipc: Int) { self.ipc = ipc }

    /// Total unrolled steps.
    public var unrolledSteps: Int { steps * epochs }

    func validate() throws {
        try DistillError.atLeast(ipc, 1, "ipc", method: "dd")
        try DistillError.atLeast(steps, 1, "steps", method: "dd")
        try DistillError.atLeast(epochs, 1, "epochs", method: "dd")
        guard ipc % steps == 0 else {
            throw DistillError.setting("steps", "dd: ipc \(ipc) is not a multiple of steps \(steps) (each step has ipc/steps images per class)")
        }
        try DistillError.atLeast(iterations, 0, "iterations", method: "dd")
        try DistillError.atLeast(batchReal, 1, "batch_real", method: "dd")
        try DistillError.positive(learningRate, "lr", method: "dd")
        try DistillError.positive(initialStepSize, "lr_teacher", method: "dd")
        try DistillError.atLeast(pretrainEpochs, 0, "pretrain", method: "dd")
        try DistillError.atLeast(pool, 1, "pool", method: "dd")
        try DistillError.atLeast(decayEvery, 0, "decay_every", method: "dd")
        guard decayFactor > 0 else { throw DistillError(.configuration, "dd: the decay factor must be positive, got \(decayFactor)") }
    }
}

extension DDConfig: MethodConfig {}

public enum DD {
    /// Distils `data.train` into `ipc` images per class and `steps × epochs` step sizes
    /// (`MethodRun` of `DDMethod`; pre-training shows its progress on `progress`).
    public static func run(_ data: Dataset, config: DDConfig, checkpoint: Checkpoint? = nil,
                           control: RunControl = RunControl(),
                           progress: ProgressSink = SilentProgress()) throws -> SyntheticSet {
        let inputs = MethodInputs(progress: progress)
        try DDMethod.validate(config, data: data, inputs: inputs)
        let method = try DDMethod(data: data, config: config, inputs: inputs)
        return try MethodRun(method: method, data: data, config: config, checkpoint: checkpoint, control: control, progress: progress).run()
    }

    /// One DD iteration: start weights, unrolled steps on the distilled images, real-data loss,
    /// one Adam step on the images and raw step sizes. Returns the loss.
    static func iteration(_ state: inout DDMethod.State, split: DatasetSplit, starts: StartPool, config: DDConfig,
                          rng: inout SeededRNG) throws -> Float {
        let done = state.adamStep + state.skipped  // iterations done
        let net = try starts.draw(rng: &rng)
        var real = try split.gather(randomIndices(count: split.count, take: config.batchReal, rng: &rng))
        if config.realAugment == .cropFlip { real.images = reflectCropFlip(real.images, pad: 4, rng: &rng) }
        let r = try unrolledGradient(net: net, images: state.images, raw: state.rawLRs, real: real, classes: split.classCount, config: config)
        // A start network that diverges under the current step sizes gives a non-finite loss
        // or gradient: skip the update (counted) rather than poison images and step sizes.
        guard r.loss.isFinite, r.gradients.allSatisfy({ $0.data.allSatisfy(\.isFinite) }) else {
            state.skipped += 1
            return r.loss
        }
        var adam = Adam(learningRate: config.learningRate, beta1: 0.5, beta2: 0.999)
        if config.decayEvery > 0 {
            adam.learningRate *= Float(pow(Double(config.decayFactor), Double(done / config.decayEvery)))
        }
        if let m = state.adamM, let v = state.adamV {
            adam.restore(step: state.adamStep, m: m, v: v)
        }
        var params = [state.images, state.rawLRs]
        try adam.step(&params, r.gradients)
        state.images = params[0]
        state.rawLRs = params[1]
        state.adamM = adam.m
        state.adamV = adam.v
        state.adamStep = adam.step
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

    /// The run's settings as text (the display of a set; evaluation reads `learnedSteps`).
    static func settings(_ c: DDConfig, lrs: [Float]) -> [String: String] {
        let spec = (try? JSONEncoder().encode(c.model)).flatMap { String(data: $0, encoding: .utf8) } ?? ""
        return ["iterations": "\(c.iterations)", "steps": "\(c.steps)", "epochs": "\(c.epochs)", "batch_real": "\(c.batchReal)",
                "lr": "\(c.learningRate)", "decay_every": "\(c.decayEvery)", "init": c.initialization.rawValue, "pretrain_epochs": "\(c.pretrainEpochs)",
                "pool": "\(c.pool)", "model": c.model.description, "model_spec": spec, "init_seed": "\(initSeed(c))",
                "step_lrs": lrs.map { "\($0)" }.joined(separator: ","), "memory": c.memory.rawValue, "seed": "\(c.seed)",
                "real_aug": c.realAugment.rawValue]
    }

    /// What evaluation needs to repeat the run's protocol: the step layout, the step sizes
    /// `rates` and the start networks.
    static func learnedSteps(_ c: DDConfig, rates: [Float]) -> LearnedSteps {
        LearnedSteps(steps: c.steps, epochs: c.epochs, rates: rates, initialization: c.initialization, pretrainEpochs: c.pretrainEpochs,
                     pool: c.pool, model: c.model, initSeed: initSeed(c))
    }
}
