// DC: Zhao, Mopuri & Bilen, "Dataset Condensation with Gradient Matching", ICLR 2021 (arXiv
// 2006.05929), and DSA: Zhao & Bilen, ICML 2021 (arXiv 2102.08259), which is the same loop with
// Siamese augmentation. Reference: VICO-UoE/DatasetCondensation main.py. IDC is in IDC.swift.
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
        guard ipc >= 1 else { throw TensorError("\(m): ipc must be >= 1, got \(ipc)") }
        guard iterations >= 0 else { throw TensorError("\(m): iterations must be >= 0, got \(iterations)") }
        guard batchReal >= 1 else { throw TensorError("\(m): batch_real must be >= 1, got \(batchReal)") }
        guard batchTrain >= 1 else { throw TensorError("\(m): batch_train must be >= 1, got \(batchTrain)") }
        guard learningRate > 0, learningRate.isFinite else { throw TensorError("\(m): lr must be positive, got \(learningRate)") }
        guard netLearningRate > 0, netLearningRate.isFinite else { throw TensorError("\(m): lr_net must be positive, got \(netLearningRate)") }
        guard momentum >= 0, momentum < 1 else { throw TensorError("\(m): momentum must be in [0, 1), got \(momentum)") }
        if let o = outerLoop, o < 1 { throw TensorError("\(m): outer_loop must be >= 1, got \(o)") }
        if let i = innerLoop, i < 0 { throw TensorError("\(m): inner_loop must be >= 0, got \(i)") }
        try selection.validate(method: m)
    }
}

/// DC and DSA: per class, the gradient of the loss on real images and on synthetic images
/// under a fresh network, compared layer by layer; the images follow the distance's gradient.
public enum DatasetCondensation {
    /// Distils `data.train` into `config.ipc` images per class.
    /// With a `checkpoint`, the loop state is saved at iteration boundaries (every `every`
    /// iterations, at the end, and on Ctrl-C the last finished iteration), and a run given the
    /// same path and settings resumes from it with the bits of an unbroken run.
    public static func run(_ data: Dataset, config: DCConfig, checkpoint: Checkpoint? = nil,
                           control: RunControl = RunControl(),
                           progress: ProgressSink = SilentProgress()) throws -> SyntheticSet {
        try config.validate()
        let split = data.train
        let classes = data.classCount
        let dsa = try config.dsa.map { try DSA(strategy: $0) }
        try checkShapes(split, config.model, classes: classes, method: config.method)
        var rng = SeededRNG(seed: config.seed)
        var images = try SyntheticSet.initialImages(split, ipc: config.ipc, classes: classes, mode: config.initialization,
                                                    model: config.model, rng: &rng)
        let (outer, inner) = config.loops
        var result = SyntheticSet(
            images: images, labels: SyntheticSet.classMajorLabels(classes: classes, ipc: config.ipc), ipc: config.ipc,
            classNames: data.classNames, normalization: data.normalization, method: config.method,
            settings: ["iterations": "\(config.iterations)", "outer_loop": "\(outer)", "inner_loop": "\(inner)",
                       "batch_real": "\(config.batchReal)", "lr": "\(config.learningRate)", "lr_net": "\(config.netLearningRate)",
                       "distance": config.distance.rawValue, "dsa": dsa?.strategy ?? "none", "model": config.model.description,
                       "init": config.initialization.rawValue, "select": config.selection.description, "seed": "\(config.seed)"])
        var state = DCState(images: images, optimizer: SGD(learningRate: config.learningRate, momentum: config.momentum))
        // Progress counts matching steps: an iteration at IPC 10 takes minutes on a CPU.
        try ImageLoopState.run(method: config.method, total: config.iterations, config: config, checkpoint: checkpoint,
                               progress: progress, stepsPerIteration: outer, control: control, images: &state.images,
                               optimizer: &state.optimizer, rng: &rng, result: &result) { images, optimizer, rng, report in
            var s = DCState(images: images, optimizer: optimizer)
            defer { images = s.images; optimizer = s.optimizer }
            return try iteration(&s, split: split, classes: classes, config: config, dsa: dsa, rng: &rng, report: report)
        }
        images = state.images
        result.images = images
        return result
    }

    /// What carries over between iterations: the images and their optimiser's momentum.
    struct DCState {
        var images: Tensor
        var optimizer: SGD
    }

    /// One outer iteration: a fresh network, `outer` matching steps (one SGD step on all images
    /// after the class loop) with `inner` epochs of network training on the synthetic set
    /// between them (not after the last). Returns the loss averaged over classes and steps, and
    /// false when Ctrl-C stopped it after a matching step (the images keep the steps done).
    /// `report(step, loss)` is called after each matching step (counted from 1).
    static func iteration(
        _ state: inout DCState, split: DatasetSplit, classes: Int, config: DCConfig, dsa: DSA?, rng: inout SeededRNG,
        report: (Int, Float) -> Void = { _, _ in }
    ) throws -> (loss: Float, complete: Bool) {
        let ipc = config.ipc
        let (outer, inner) = config.loops
        let net = try config.model.build(imageShape: split.imageShape, classes: classes, rng: &rng)
        var netOptimizer = SGD(learningRate: config.netLearningRate)
        let include = GradientMatching.includedParameters(net)
        var selector = RealBatchSelector(config.selection, classes: classes)
        var total = 0.0
        let synLabels = SyntheticSet.classMajorLabels(classes: classes, ipc: ipc)
        for step in 0..<outer {
            let mode = try freezeBatchNorm(net, split: split, classes: classes, perClass: config.batchNormImages, rng: &rng)
            try selector.refresh(step: step, net: net, split: split, batch: config.batchReal, rng: &rng)
            let params = net.parameterVariables()
            var grad = Tensor.zeros(like: state.images)
            let size = state.images.count / (classes * ipc)
            var stepTotal = 0.0
            for c in 0..<classes {
                let real = try selector.batch(ofClass: c, split: split, count: config.batchReal, rng: &rng)
                let syn = Variable(try state.images.slice(axis: 0, (c * ipc)..<((c + 1) * ipc)), requiresGrad: true)
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
            var params0 = [state.images]
            try state.optimizer.step(&params0, [grad])
            state.images = params0[0]
            total += stepTotal
            report(step + 1, Float(stepTotal / Double(classes)))
            if step == outer - 1 { break }
            if Interrupt.isRequested { return (Float(total / Double(classes * (step + 1))), false) }
            try GradientMatching.trainOnSet(net, images: state.images, labels: synLabels, epochs: inner,
                                            batchSize: config.batchTrain, optimizer: &netOptimizer, augment: dsa?.batchAugment, rng: &rng)
        }
        return (Float(total / Double(classes * outer)), true)
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
            throw TensorError("\(method): class \(c) has no training images")
        }
        var rng = SeededRNG(seed: 0)
        let probe = try spec.build(imageShape: split.imageShape, classes: classes, rng: &rng)
        guard probe.inputShape == split.imageShape else {
            throw TensorError("\(method): model takes images \(probe.inputShape.shapeText) but the data set has \(split.imageShape.shapeText)")
        }
    }
}
