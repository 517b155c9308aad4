// IDC: Kim et al., "Dataset Condensation via Efficient Synthetic-Data Parameterization", ICML
// 2022 (arXiv 2205.14959; reference snu-mllab/Efficient-Dataset-Condensation condense.py).
// Multi-formation images matched by gradient under a network trained on real data meanwhile.
import Autograd
import Datasets
import NeuralNet
import TensorCore

/// How IDC's stored images start.
public enum IDCInit: String, Codable, Sendable, CaseIterable {
    /// factor² random real images of the class shrunk into the tiles of each stored image
    /// (`mix`, the reference default when factor > 1; with factor 1 the same as `real`).
    case mix
    /// Random real images of the class (`random`).
    case real
    /// N(0.5, 0.25²) pixels clamped to [0, 1] (`noise`).
    case noise
    /// DREAM: like `mix`, with the real images nearest to k-means centres (ipc·f² per class) of
    /// a fresh network's embeddings instead of random ones (`--init kmean`, `--f2_init kmean`).
    case kmeans
}

/// IDC settings; `init(ipc:)` gives the CIFAR-10 reproduction settings, `reference(for:ipc:)`
/// the ones the reference's `--reproduce` picks for a data set (REFERENCE.md §2.6).
public struct IDCConfig: Codable, Equatable, Sendable {
    public var ipc: Int
    /// Tiles per side of a stored image (2 in the paper; 1 is IDC-I).
    public var factor: Int = 2
    /// Outer iterations, each with a fresh network (`niter · 100 / inner_loop` = 2000).
    public var iterations: Int = 2000
    /// Matching rounds per network; each is one image step per class and one network update.
    public var innerLoop: Int = 100
    /// Real images per class per matching step (DREAM's fork uses 128; IDC's own default is 64).
    public var batchReal: Int = 128
    /// At most this many decoded synthetic images per class per step (a random subset beyond).
    public var batchSynMax: Int = 128
    public var distance: MatchingDistance = .mse
    /// Match bias/norm (rank-1) and fully connected (rank-2) gradients too; off in IDC.
    public var matchBias = false
    public var matchFullyConnected = false
    /// SGD on the images, in [0, 1] pixel units: 5e-3 × ipc/10 for CIFAR (`tune_lr_img`).
    public var learningRate: Float = 5e-3
    public var momentum: Float = 0.5
    /// Batch-shared augmentation in matching, per-image augmentation in network training.
    public var matchAugment: String = "color_crop_cutout"
    public var netAugment: String = "color_crop"
    /// CutMix probability in network training (`mix_p`; λ ~ Beta(1, 1)), 0 for none.
    public var cutmixProbability: Float = 0.5
    /// Real images per network update (`n_data`: 2000 for CIFAR-10, else 500), in batches of
    /// `batchReal`; SGD lr 0.01, momentum 0.9, weight decay 5e-4.
    public var netData: Int = 2000
    public var netLearningRate: Float = 0.01
    public var netMomentum: Float = 0.9
    public var netWeightDecay: Float = 5e-4
    public var initialization: IDCInit = .mix
    /// Real-batch selection: random (IDC) or DREAM's representatives.
    public var selection: RealSelection = .random
    public var model: ModelSpec = .convNet3
    public var seed: UInt64 = 0

    /// CIFAR-10 reproduction settings for `ipc` (mse, lr_img 5e-3 × ipc/10, n_data 2000).
    public init(ipc: Int) {
        self.ipc = ipc
        learningRate = 5e-3 * Float(ipc) / 10
    }

    /// The reference `--reproduce` settings for the data set's name: CIFAR-10/100 and SVHN use
    /// `mse` and lr 5e-3; MNIST and Fashion-MNIST `l1` and lr 1e-4 (MNIST with factor > 1 also
    /// matches with `color_crop` and trains without CutMix); n_data is 2000 for CIFAR-10 and 500
    /// otherwise. lr_img is scaled by ipc/10 and, as `tune_lr_img` does, by (size/32)² (size/28
    /// for MNIST), so Fashion-MNIST gets 0.77 × 1e-4 × ipc/10.
    public static func reference(for data: Dataset, ipc: Int, factor: Int = 2) -> IDCConfig {
        var c = IDCConfig(ipc: ipc)
        c.factor = factor
        let name = data.name.lowercased().filter { $0.isLetter || $0.isNumber }
        let size = Float(data.imageShape.count == 3 ? data.imageShape[1] : 32)
        var base: Float = 5e-3, sizeBase: Float = 32
        c.netData = 500
        switch name {
        case "cifar10": c.netData = 2000
        case "mnist":
            c.distance = .l1
            base = 1e-4
            sizeBase = 28
            if factor > 1 {
                c.matchAugment = "color_crop"
                c.cutmixProbability = 0
            }
        case "fashionmnist":
            c.distance = .l1
            base = 1e-4
        default: break
        }
        c.learningRate = base * Float(ipc) / 10 * (size / sizeBase) * (size / sizeBase)
        return c
    }

    func validate() throws {
        let m = selection == .random ? "idc" : "dream"
        try DistillError.atLeast(ipc, 1, "ipc", method: m)
        try DistillError.atLeast(factor, 1, "factor", method: m)
        try DistillError.atLeast(iterations, 0, "iterations", method: m)
        try DistillError.atLeast(innerLoop, 1, "inner_loop", method: m)
        try DistillError.atLeast(batchReal, 1, "batch_real", method: m)
        try DistillError.atLeast(batchSynMax, 1, "batch_syn_max", method: m)
        try DistillError.positive(learningRate, "lr", method: m)
        try DistillError.positive(netLearningRate, "lr_net", method: m)
        guard momentum >= 0, momentum < 1, netMomentum >= 0, netMomentum < 1 else {
            throw DistillError.setting("momentum", "\(m): momentum must be in [0, 1), got \(momentum) (images) and \(netMomentum) (network)")
        }
        try DistillError.atLeast(netData, 0, "n_data", method: m)
        guard cutmixProbability >= 0, cutmixProbability <= 1 else {
            throw DistillError.setting("cutmix", "\(m): cutmix probability must be in [0, 1], got \(cutmixProbability)")
        }
        try selection.validate(method: m)
        _ = try IDCAugment(strategy: matchAugment)
        _ = try IDCAugment(strategy: netAugment)
    }
}

extension IDCConfig: MethodConfig {}

/// IDC: gradient matching of multi-formation images (kept in [0, 1] pixel units, normalised on
/// the way into the network, clamped every iteration) under a network that keeps training on
/// real data between matching steps.
public enum IDC {
    /// Distils `data.train` into `config.ipc` stored images per class (each decoding into
    /// factor² training images: see `SyntheticSet.trainingImages()`): a `MethodRun` of
    /// `IDCMethod`, or of `DREAMMethod` when the config selects DREAM's representatives.
    /// With a `checkpoint`, the loop state is saved at iteration boundaries and a run given the
    /// same path and settings resumes from it, as for DC.
    public static func run(_ data: Dataset, config: IDCConfig, checkpoint: Checkpoint? = nil,
                           control: RunControl = RunControl(),
                           progress: ProgressSink = SilentProgress()) throws -> SyntheticSet {
        config.selection == .random
            ? try validatedRun(IDCMethod.self, data, config, checkpoint, control, progress)
            : try validatedRun(DREAMMethod.self, data, config, checkpoint, control, progress)
    }

    /// Parsed, checked pieces of a config.
    struct Setup {
        let formation: MultiFormation
        let matchAugment: IDCAugment
        let netAugment: IDCAugment
        let normalization: Normalization
        /// Per-channel constants [1, c, 1, 1] mapping pixels to normalised values: x·scale + shift.
        let scale: Tensor, shift: Tensor

        init(config: IDCConfig, normalization: Normalization) throws {
            formation = try MultiFormation(factor: config.factor)
            matchAugment = try IDCAugment(strategy: config.matchAugment)
            netAugment = try IDCAugment(strategy: config.netAugment)
            self.normalization = normalization
            let c = normalization.channels
            scale = Tensor(unchecked: [1, c, 1, 1], data: normalization.std.map { 1 / $0 })
            shift = Tensor(unchecked: [1, c, 1, 1], data: zip(normalization.mean, normalization.std).map { -$0 / $1 })
        }

        /// The decoded training images of stored pixels x, normalised (differentiable).
        func decodeNormalised(_ x: Variable) throws -> Variable {
            let decoded = try formation.decode(x, pad: [Float](repeating: 0.5, count: normalization.channels))
            return try decoded * Variable(scale) + Variable(shift)
        }
    }

    /// One outer iteration: fresh network; `innerLoop` rounds of (per class: match, one image
    /// step) then one network update on real data. Returns the loss averaged over classes and
    /// rounds, incomplete when cancellation stopped it after a round (the images keep the rounds
    /// done). `context.report(round, loss)` is called after each round (counted from 1).
    static func iteration(
        _ state: inout IDCMethod.State, split: DatasetSplit, config: IDCConfig, setup: Setup, rng: inout SeededRNG,
        context: IterationContext
    ) throws -> IterationOutcome {
        let classes = split.classCount
        let net = try config.model.build(imageShape: split.imageShape, classes: classes, rng: &rng)
        var netOptimizer = SGD(learningRate: config.netLearningRate, momentum: config.netMomentum, weightDecay: config.netWeightDecay)
        let include = GradientMatching.includedParameters(net, bias: config.matchBias, fullyConnected: config.matchFullyConnected)
        guard include.contains(true) else { throw MatchingDistance.nothingIncluded() }
        var optimizer = SGD(learningRate: config.learningRate, momentum: config.momentum)
        optimizer.restore(velocity: state.velocity)
        var selector = RealBatchSelector(config.selection, classes: classes)
        state.pixels = state.pixels.clamp(min: 0, max: 1)
        var total = 0.0
        for round in 0..<config.innerLoop {
            try selector.refresh(step: round, net: net, split: split, batch: config.batchReal, rng: &rng)
            let params = net.parameterVariables()
            var roundTotal = 0.0
            for c in 0..<classes {
                let (grad, loss) = try classGradient(state.pixels, ofClass: c, net: net, params: params, include: include,
                                                     selector: selector, split: split, config: config, setup: setup, rng: &rng)
                var p = [state.pixels]
                try optimizer.step(&p, [grad])
                state.pixels = p[0]
                state.velocity = optimizer.velocity
                roundTotal += Double(loss)
            }
            try updateNetwork(net, split: split, config: config, setup: setup, optimizer: &netOptimizer, rng: &rng)
            total += roundTotal
            context.report(round + 1, Float(roundTotal / Double(classes)))
            if context.isCancelled() && round + 1 < config.innerLoop {
                return IterationOutcome(loss: Float(total / Double(classes * (round + 1))), complete: false)
            }
        }
        return IterationOutcome(loss: Float(total / Double(classes * config.innerLoop)))
    }

    /// Class `c`'s matching loss and its gradient on all stored pixels (zero outside the class's
    /// rows: the optimiser holds every image, so the other classes' rows move by their momentum,
    /// as PyTorch's SGD does after zero_grad()).
    static func classGradient(
        _ pixels: Tensor, ofClass c: Int, net: Model, params: [Variable], include: [Bool], selector: RealBatchSelector,
        split: DatasetSplit, config: IDCConfig, setup: Setup, rng: inout SeededRNG
    ) throws -> (Tensor, Float) {
        let ipc = config.ipc
        let size = pixels.count / (split.classCount * ipc)
        let real = try selector.batch(ofClass: c, split: split, count: config.batchReal, rng: &rng)
        let n = real.shape[0]
        let stored = Variable(try pixels.slice(axis: 0, (c * ipc)..<((c + 1) * ipc)), requiresGrad: true)
        var syn = try setup.decodeNormalised(stored)
        if syn.shape[0] > config.batchSynMax {
            var order = Array(0..<syn.shape[0])
            order.shuffle(using: &rng)
            syn = try syn.indexSelect(Array(order.prefix(config.batchSynMax)))
        }
        let m = syn.shape[0]
        let both = try setup.matchAugment.apply(Variable.concat([Variable(real), syn], axis: 0), shared: true, rng: &rng)
        let realX = Variable(try both.value.slice(axis: 0, 0..<n))
        let synX = try both.slice(axis: 0, n..<(n + m))
        let target = try GradientMatching.parameterGradients(net, params, images: realX, labels: [Int](repeating: c, count: n), mode: .train)
        let loss = try GradientMatching.matchingLoss(
            net, params, realGradients: target, synthetic: synX, labels: [Int](repeating: c, count: m),
            mode: .train, distance: config.distance, include: include)
        let g = try gradients(of: loss, wrt: [stored])[0].value
        var grad = Tensor.zeros(like: pixels)
        grad.withUnsafeMutableValues { dst in
            g.data.withUnsafeBufferPointer { src in
                (dst.baseAddress! + c * ipc * size).update(from: src.baseAddress!, count: ipc * size)
            }
        }
        return (grad, loss.value.data[0])
    }

    /// One pass over `netData` random real images in batches of `batchReal`, with per-image
    /// augmentation and CutMix (the reference `train_epoch(..., n_data=...)`).
    static func updateNetwork(
        _ net: Model, split: DatasetSplit, config: IDCConfig, setup: Setup, optimizer: inout SGD, rng: inout SeededRNG
    ) throws {
        guard config.netData > 0 else { return }
        let batches = (config.netData + config.batchReal - 1) / config.batchReal
        let picks = randomDistinct(Swift.min(split.count, batches * config.batchReal), from: split.count, rng: &rng)
        let augment: BatchAugment = { x, rng in try setup.netAugment.apply(x, shared: false, rng: &rng) }
        var start = 0
        while start < picks.count {
            let idx = Array(picks[start..<Swift.min(picks.count, start + config.batchReal)])
            start += config.batchReal
            let (x, y) = try split.gather(idx)
            try GradientMatching.sgdStep(net, images: x, labels: y, optimizer: &optimizer, augment: augment,
                                         cutmixProbability: config.cutmixProbability, rng: &rng)
        }
    }

    /// `k` distinct indices below `n` (the first k of a partial Fisher–Yates shuffle).
    static func randomDistinct(_ k: Int, from n: Int, rng: inout SeededRNG) -> [Int] {
        var a = Array(0..<n)
        for i in 0..<k {
            a.swapAt(i, i + rng.nextInt(below: n - i))
        }
        return Array(a.prefix(k))
    }

    /// Starting images in [0, 1] pixel units.
    static func initialPixels(
        _ split: DatasetSplit, config: IDCConfig, setup: Setup, classes: Int, rng: inout SeededRNG
    ) throws -> Tensor {
        let ipc = config.ipc
        switch config.initialization {
        case .kmeans:
            return try DREAM.initialPixels(split, ipc: ipc, formation: setup.formation, normalization: setup.normalization,
                                           model: config.model, classes: classes, rng: &rng)
        case .noise:
            return try Tensor.randn([classes * ipc] + split.imageShape, mean: 0.5, std: 0.25, rng: &rng).clamp(min: 0, max: 1)
        case .real, .mix:
            let per = config.initialization == .mix ? setup.formation.imagesPerStored : 1
            var parts: [Tensor] = []
            for c in 0..<classes {
                guard split.classIndex[c].count >= ipc * per else {
                    throw TensorError("idc: class \(c) has \(split.classIndex[c].count) training images, fewer than the \(ipc * per) the initialisation needs")
                }
                let real = try setup.normalization.denormalized(try split.sample(ofClass: c, count: ipc * per, rng: &rng))
                parts.append(per == 1 ? real : try setup.formation.encode(real))
            }
            return try Tensor.concat(parts, axis: 0)
        }
    }
}
