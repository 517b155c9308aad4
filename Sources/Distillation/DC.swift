// DC: Zhao, Mopuri & Bilen, "Dataset Condensation with Gradient Matching", ICLR 2021 (arXiv
// 2006.05929), and DSA: Zhao & Bilen, ICML 2021 (arXiv 2102.08259), which is the same loop with
// Siamese augmentation. Reference: VICO-UoE/DatasetCondensation main.py. The plug-ins are in
// DCMethod.swift; IDC is in IDC.swift.
import Autograd
import Datasets
import NeuralNet
import TensorCore

/// DC and DSA settings; defaults are the papers' (REFERENCE.md §2.2–2.3).
///
///     var dc = DCConfig(ipc: 10)               // DC: noise init, no augmentation
///     let dsa = DCConfig.dsa(ipc: 10)          // DSA: real init, Siamese augmentation
public struct DCConfig: Codable, Equatable, Sendable {
    public var ipc: Int
    /// Outer iterations, each with a fresh random network (`--Iteration` 1000).
    public var iterations: Int = 1000
    /// Matching steps per network and epochs of network training between them; nil takes the
    /// reference table for `ipc` (`get_loops`), see `loops`.
    public var outerLoop: Int?
    public var innerLoop: Int?
    /// Real images per class per matching step.
    public var batchReal: Int = 256
    /// Mini-batch of the network training on the synthetic set.
    public var batchTrain: Int = 256
    /// SGD on the images: lr 0.1, momentum 0.5 (README: lr 0.01 for an MLP).
    public var learningRate: Float = 0.1
    public var momentum: Float = 0.5
    /// SGD on the network between matching steps: lr 0.01, no momentum, no weight decay.
    public var netLearningRate: Float = 0.01
    public var distance: MatchingDistance = .ours
    public var initialization: SyntheticInit = .noise
    /// DSA strategy; nil is DC (no augmentation anywhere).
    public var dsa: String?
    /// Real images per class that set frozen batch-norm statistics (BN networks only).
    public var batchNormImages: Int = 16
    /// Real-batch selection: random (the papers) or DREAM's representatives.
    public var selection: RealSelection = .random
    public var model: ModelSpec = .convNet3
    public var seed: UInt64 = 0

    public init(ipc: Int) { self.ipc = ipc }

    /// DSA's defaults: DC's loop with real initialisation and the given strategy (use
    /// `DSA.digitsStrategy`, without flips, for MNIST and SVHN).
    public static func dsa(ipc: Int, strategy: String = DSA.defaultStrategy) -> DCConfig {
        var c = DCConfig(ipc: ipc)
        c.initialization = .real
        c.dsa = strategy
        return c
    }

    /// `method` name for the synthetic set: `dsa` when augmentation is on, else `dc`.
    public var method: String { dsa == nil ? "dc" : "dsa" }

    /// (outer, inner) loops: the reference's `get_loops` table (1: 1/1, 10: 10/50, 20: 20/25,
    /// 30: 30/20, 40: 40/15, 50: 50/10). For other IPCs, which the reference refuses, outer =
    /// ipc and inner follows the nearest tabulated IPC; explicit `outerLoop`/`innerLoop` win.
    public var loops: (outer: Int, inner: Int) {
        let table: [(ipc: Int, outer: Int, inner: Int)] = [(1, 1, 1), (10, 10, 50), (20, 20, 25), (30, 30, 20), (40, 40, 15), (50, 50, 10)]
        let row = table.first { $0.ipc == ipc } ?? table.min { Swift.abs($0.ipc - ipc) < Swift.abs($1.ipc - ipc) }!
        let outer = table.contains { $0.ipc == ipc } ? row.outer : Swift.max(1, ipc)
        return (outerLoop ?? outer, innerLoop ?? row.inner)
    }

    func validate() throws {
        let m = method
        try DistillError.atLeast(ipc, 1, "ipc", method: m)
        try DistillError.atLeast(iterations, 0, "iterations", method: m)
        try DistillError.atLeast(batchReal, 1, "batch_real", method: m)
        try DistillError.atLeast(batchTrain, 1, "batch_train", method: m)
        try DistillError.positive(learningRate, "lr", method: m)
        try DistillError.positive(netLearningRate, "lr_net", method: m)
        guard momentum >= 0, momentum < 1 else {
            throw DistillError.setting("momentum", "\(m): momentum must be in [0, 1), got \(momentum)")
        }
        if let o = outerLoop { try DistillError.atLeast(o, 1, "outer_loop", method: m) }
        if let i = innerLoop { try DistillError.atLeast(i, 0, "inner_loop", method: m) }
        try selection.validate(method: m)
        if let dsa { _ = try DSA(strategy: dsa) }
    }
}

extension DCConfig: MethodConfig {}

/// DC and DSA: per class, the gradient of the loss on real images and on synthetic images
/// under a fresh network, compared layer by layer; the images follow the distance's gradient.
public enum DatasetCondensation {
    /// Distils `data.train` into `config.ipc` images per class: a `MethodRun` of `DSAMethod`
    /// when the config augments, else of `DCMethod`. With a `checkpoint`, the loop state is
    /// saved at iteration boundaries (every `every` iterations, at the end, and on Ctrl-C the
    /// last finished iteration), and a run given the same path and settings resumes from it
    /// with the bits of an unbroken run.
    public static func run(_ data: Dataset, config: DCConfig, checkpoint: Checkpoint? = nil,
                           control: RunControl = RunControl(),
                           progress: ProgressSink = SilentProgress()) throws -> SyntheticSet {
        config.dsa == nil
            ? try validatedRun(DCMethod.self, data, config, checkpoint, control, progress)
            : try validatedRun(DSAMethod.self, data, config, checkpoint, control, progress)
    }

    /// One outer iteration: a fresh network, `outer` matching steps (one SGD step on all images
    /// after the class loop) with `inner` epochs of network training on the synthetic set
    /// between them (not after the last). Returns the loss averaged over classes and steps, and
    /// incomplete when cancellation stopped it after a matching step (the images keep the
    /// steps done). `context.report(step, loss)` is called after each matching step (from 1).
    static func iteration(
        _ state: inout DCMethod.State, split: DatasetSplit, config: DCConfig, dsa: DSA?, rng: inout SeededRNG,
        context: IterationContext
    ) throws -> IterationOutcome {
        let classes = split.classCount
        let (outer, inner) = config.loops
        let net = try config.model.build(imageShape: split.imageShape, classes: classes, rng: &rng)
        var netOptimizer = SGD(learningRate: config.netLearningRate)
        var optimizer = SGD(learningRate: config.learningRate, momentum: config.momentum)
        optimizer.restore(velocity: state.velocity)
        var selector = RealBatchSelector(config.selection, classes: classes)
        var total = 0.0
        let synLabels = SyntheticSet.classMajorLabels(classes: classes, ipc: config.ipc)
        for step in 0..<outer {
            let mode = try freezeBatchNorm(net, split: split, classes: classes, perClass: config.batchNormImages, rng: &rng)
            try selector.refresh(step: step, net: net, split: split, batch: config.batchReal, rng: &rng)
            let (grad, stepTotal) = try matchingGradient(state.images, net: net, mode: mode, selector: selector, split: split,
                                                         config: config, dsa: dsa, rng: &rng)
            var params = [state.images]
            try optimizer.step(&params, [grad])
            state.images = params[0]
            state.velocity = optimizer.velocity
            total += stepTotal
            context.report(step + 1, Float(stepTotal / Double(classes)))
            if step == outer - 1 { break }
            if context.isCancelled() { return IterationOutcome(loss: Float(total / Double(classes * (step + 1))), complete: false) }
            try GradientMatching.trainOnSet(net, images: state.images, labels: synLabels, epochs: inner,
                                            batchSize: config.batchTrain, optimizer: &netOptimizer, augment: dsa?.batchAugment, rng: &rng)
        }
        return IterationOutcome(loss: Float(total / Double(classes * outer)))
    }

    /// One matching step's gradient on all images (each class's rows from its own matching
    /// loss) and the sum of the classes' losses.
    static func matchingGradient(
        _ images: Tensor, net: Model, mode: BatchNormMode, selector: RealBatchSelector, split: DatasetSplit, config: DCConfig,
        dsa: DSA?, rng: inout SeededRNG
    ) throws -> (Tensor, Double) {
        let classes = split.classCount, ipc = config.ipc
        let include = GradientMatching.includedParameters(net)
        let params = net.parameterVariables()
        var grad = Tensor.zeros(like: images)
        let size = images.count / (classes * ipc)
        var stepTotal = 0.0
        for c in 0..<classes {
            let real = try selector.batch(ofClass: c, split: split, count: config.batchReal, rng: &rng)
            let syn = Variable(try images.slice(axis: 0, (c * ipc)..<((c + 1) * ipc)), requiresGrad: true)
            var realX = Variable(real), synX = syn
            if let dsa {
                let seed = rng.next()
                realX = try GradMode.withoutGrad { try dsa.apply(realX, seed: seed) }
                synX = try dsa.apply(syn, seed: seed)
            }
            let target = try GradientMatching.parameterGradients(
                net, params, images: realX, labels: [Int](repeating: c, count: real.shape[0]), mode: mode)
            let loss = try GradientMatching.matchingLoss(
                net, params, realGradients: target, synthetic: synX, labels: [Int](repeating: c, count: ipc),
                mode: mode, distance: config.distance, include: include)
            let g = try gradients(of: loss, wrt: [syn])[0].value
            grad.withUnsafeMutableValues { dst in
                g.data.withUnsafeBufferPointer { src in
                    (dst.baseAddress! + c * ipc * size).update(from: src.baseAddress!, count: ipc * size)
                }
            }
            stepTotal += Double(loss.value.data[0])
        }
        return (grad, stepTotal)
    }

    /// For batch-norm networks, sets the running statistics from `perClass` real images of
    /// every class (one training-mode forward, as the reference) and returns `.eval` so the
    /// matching uses them; other networks match in `.train` mode (which they ignore).
    static func freezeBatchNorm(_ net: Model, split: DatasetSplit, classes: Int, perClass: Int, rng: inout SeededRNG) throws -> BatchNormMode {
        guard net.hasBatchNorm else { return .train }
        var parts: [Tensor] = []
        for c in 0..<classes {
            parts.append(try split.sample(ofClass: c, count: Swift.min(perClass, split.classIndex[c].count), rng: &rng))
        }
        let x = try Tensor.concat(parts, axis: 0)
        _ = try GradMode.withoutGrad { try net.forward(Variable(x), mode: .train) }
        return .eval
    }

    /// Errors for a model that cannot take the data set's images, or classes without images.
    static func checkShapes(_ split: DatasetSplit, _ spec: ModelSpec, classes: Int, method: String) throws {
        for c in 0..<classes where split.classIndex[c].isEmpty {
            throw DistillError(.data, "\(method): class \(c) has no training images")
        }
        var rng = SeededRNG(seed: 0)
        let probe = try spec.build(imageShape: split.imageShape, classes: classes, rng: &rng)
        guard probe.inputShape == split.imageShape else {
            throw DistillError(.data, "\(method): model takes images \(probe.inputShape.shapeText) but the data set has \(split.imageShape.shapeText)")
        }
    }
}

/// Validates `config` for method `M`, then runs it (the Swift entry points of the methods).
func validatedRun<M: DistillationMethod>(_ m: M.Type, _ data: Dataset, _ config: M.Config, _ checkpoint: Checkpoint?,
                                         _ control: RunControl, _ progress: ProgressSink) throws -> SyntheticSet {
    try M.validate(config, data: data, inputs: MethodInputs())
    let method = try M(data: data, config: config, inputs: MethodInputs())
    return try MethodRun(method: method, data: data, config: config, checkpoint: checkpoint, control: control, progress: progress).run()
}
