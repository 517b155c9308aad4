// DM: Zhao & Bilen, "Dataset Condensation with Distribution Matching", WACV 2023
// (arXiv 2110.04181; reference main_DM.py). Matches mean embeddings of augmented real and
// synthetic batches per class under a fresh, frozen random network each iteration.
import Autograd
import Datasets
import NeuralNet
import TensorCore

/// DM settings; defaults are the paper's (REFERENCE.md §2.4).
public struct DMConfig: Codable, Equatable, Sendable {
    public var ipc: Int
    public var iterations: Int = 20_000
    /// Real images per class per iteration.
    public var batchReal: Int = 256
    /// SGD on the images: learning rate 1, momentum 0.5.
    public var learningRate: Float = 1.0
    public var momentum: Float = 0.5
    public var initialization: SyntheticInit = .real
    public var dsa: String = DSA.defaultStrategy
    public var model: ModelSpec = .convNet3
    /// Real batches: random per iteration (the paper), or DREAM's k-means representatives
    /// (`batchReal` per class), re-chosen every `interval` iterations.
    public var selection: RealSelection = .random
    /// Whose features DREAM clusters, since DM's network changes every iteration.
    public var dreamFeatures: DreamFeatures = .fixed
    public var seed: UInt64 = 0

    public init(ipc: Int) { self.ipc = ipc }

    func validate() throws {
        try DistillError.atLeast(ipc, 1, "ipc", method: "dm")
        try DistillError.atLeast(iterations, 0, "iterations", method: "dm")
        try DistillError.atLeast(batchReal, 1, "batch_real", method: "dm")
        try DistillError.positive(learningRate, "lr", method: "dm")
        try selection.validate(method: "dm")
        _ = try DSA(strategy: dsa)
    }
}

extension DMConfig: MethodConfig {}


/// The network whose embeddings DREAM clusters inside DM.
public enum DreamFeatures: String, Codable, Sendable, CaseIterable {
    /// The fresh random network of the iteration that re-clusters.
    case current
    /// One random network drawn at the start (from its own seed) and kept for the whole run.
    case fixed
}

public enum DistributionMatching {
    /// Distils `data.train` into `ipc` images per class (`MethodRun` of `DMMethod`). With a
    /// checkpoint, the loop state is saved every `checkpoint.every` iterations (and at the end
    /// or on Ctrl-C), and a run that finds its file there resumes from it.
    public static func run(_ data: Dataset, config: DMConfig, checkpoint: Checkpoint? = nil,
                           control: RunControl = RunControl(),
                           progress: ProgressSink = SilentProgress()) throws -> SyntheticSet {
        try DMMethod.validate(config, data: data, inputs: MethodInputs())
        let method = try DMMethod(data: data, config: config, inputs: MethodInputs())
        return try MethodRun(method: method, data: data, config: config, checkpoint: checkpoint, control: control, progress: progress).run()
    }

    /// One DM iteration: fresh network, per-class mean-embedding distance, one SGD step on the
    /// images. Returns the loss (sum over classes).
    static func step(_ state: inout DMMethod.State, split: DatasetSplit, config: DMConfig, dsa: DSA, selector: DMSelector?,
                     rng: inout SeededRNG) throws -> Float {
        let classes = split.classCount, ipc = config.ipc
        let net = try config.model.build(imageShape: split.imageShape, classes: classes, rng: &rng)
        var representatives: [[Int]]?
        if let selector { representatives = try selector.representatives(&state, net: net, split: split, rng: &rng) }
        let syn = Variable(state.images, requiresGrad: true)
        var seeds: [UInt64] = []
        var realMeans: [Tensor] = []
        // Real branch: no gradient, one class at a time to bound memory.
        try GradMode.withoutGrad {
            for c in 0..<classes {
                let real: Tensor
                if let representatives {
                    real = try split.gather(representatives[c]).images
                } else {
                    real = try split.sample(ofClass: c, count: Swift.min(config.batchReal, split.classIndex[c].count), rng: &rng)
                }
                let seed = rng.next()
                seeds.append(seed)
                let emb = try net.embed(dsa.apply(Variable(real), seed: seed))
                realMeans.append(try emb.value.mean(axes: [0]))
            }
        }
        // Synthetic branch: each class augmented with its real batch's seed, one forward for all.
        var augmented: [Variable] = []
        for c in 0..<classes {
            augmented.append(try dsa.apply(syn.slice(axis: 0, (c * ipc)..<((c + 1) * ipc)), seed: seeds[c]))
        }
        let emb = try net.embed(Variable.concat(augmented, axis: 0))
        let synMeans = try emb.reshape([classes, ipc, -1]).mean(axes: [1])
        let target = Variable(try Tensor.stack(realMeans, axis: 0))
        let diff = try target - synMeans
        let loss = try (diff * diff).sum()
        let grad = try gradients(of: loss, wrt: [syn])[0].value
        var optimizer = SGD(learningRate: config.learningRate, momentum: config.momentum)
        optimizer.restore(velocity: state.velocity)
        var params = [state.images]
        try optimizer.step(&params, [grad])
        state.images = params[0]
        state.velocity = optimizer.velocity
        return loss.value.data[0]
    }
}

/// DREAM's representative real batches inside DM: per class, the `batch` images nearest the
/// k-means centres of a network's embeddings, re-chosen every `interval` iterations. The
/// current choice and its age live in the run's state, so checkpoints and resumes keep it.
struct DMSelector {
    let interval: Int
    let pool: Int
    let batch: Int
    /// The network of `DreamFeatures.fixed`; nil clusters with each iteration's own network.
    let fixedNet: Model?
    /// Per class, the fixed network's embeddings of all its images.
    final class FeatureCache: @unchecked Sendable { var features: [Int: Tensor] = [:] }
    let cache = FeatureCache()

    /// The representatives for this iteration, re-clustering when they are `interval`
    /// iterations old (or absent).
    func representatives(_ state: inout DMMethod.State, net: Model, split: DatasetSplit, rng: inout SeededRNG) throws -> [[Int]] {
        if let saved = state.representatives, state.representativesAge < interval {
            state.representativesAge += 1
            return saved
        }
        var picked: [[Int]] = []
        for c in 0..<split.classCount {
            let count = Swift.min(batch, split.classIndex[c].count)
            if let fixedNet, pool == 0 {
                // The fixed network's features never change: compute each class's once.
                let features = try cache.features[c] ?? DREAM.embeddings(fixedNet, split.gather(split.classIndex[c]).images)
                cache.features[c] = features
                picked.append(try DREAM.representatives(features: features, of: split.classIndex[c], count: count, rng: &rng))
            } else {
                picked.append(try DREAM.representatives(fixedNet ?? net, split: split, ofClass: c, count: count, pool: pool, rng: &rng))
            }
        }
        state.representatives = picked
        state.representativesAge = 1
        return picked
    }
}

/// DM as a plug-in: fresh random networks, mean embeddings matched per class.
public struct DMMethod: DistillationMethod {
    public typealias Config = DMConfig

    /// The images and their SGD momentum; with DREAM's selection, the current representatives
    /// and how many iterations they have served.
    public struct State: MethodState {
        public var images: Tensor
        public var velocity: [Tensor]?
        public var representatives: [[Int]]?
        public var representativesAge = 0
        public var optimised: Tensor { images }

        public init(images: Tensor, velocity: [Tensor]? = nil, representatives: [[Int]]? = nil, representativesAge: Int = 0) {
            self.images = images
            self.velocity = velocity
            self.representatives = representatives
            self.representativesAge = representativesAge
        }
    }

    public static let name = "dm"
    public static let summary = """
        Distribution matching (Zhao & Bilen, WACV 2023): per class, the mean embedding of \
        augmented real and synthetic batches under a fresh random network each iteration. \
        Defaults (main_DM.py): 20000 iterations, lr 1 (momentum 0.5), batch_real 256, init "real", \
        DSA augmentation, model convnet(). With select="dream", `features` chooses whose embeddings \
        DREAM clusters: "fixed" (one random network for the run, the default) or "current" (the \
        iteration's network).
        """
    public static let capabilities: MethodCapabilities = [.selection, .augmentation, .whitenedData]
    public static let evaluationProtocol = EvaluationProtocol.dm

    public static var parameters: [MethodParameter<DMConfig>] {
        [.integer("iterations", \.iterations, help: "sets the iterations"),
         .number("lr", \.learningRate, help: "sets the images' learning rate"),
         .batch("batch_real", \.batchReal, help: "sets the real images per class and iteration", most: largestClass),
         .choice("init", \.initialization, help: "chooses how the images start"),
         .augmentation(\.dsa),
         .model(\.model)]
            + MethodParameter.selection(\.selection)
            + [.choice("features", \.dreamFeatures, help: "chooses DREAM's network")]
    }

    public static func defaults(for data: Dataset, ipc: Int, inputs: MethodInputs) -> DMConfig {
        var c = DMConfig(ipc: ipc)
        c.dsa = DSA.paperStrategy(for: data)
        return c
    }

    public static func validate(_ config: DMConfig, data: Dataset, inputs: MethodInputs) throws { try config.validate() }

    let config: DMConfig
    let split: DatasetSplit
    let dsa: DSA
    let selector: DMSelector?

    public init(data: Dataset, config: DMConfig, inputs: MethodInputs) throws {
        self.config = config
        split = data.train
        dsa = try DSA(strategy: config.dsa)
        if case let .dream(interval, pool) = config.selection {
            var netRNG = SeededRNG(seed: config.seed ^ 0x4452_4541_4d00)   // "DREAM": the fixed network's own stream
            let fixed = config.dreamFeatures == .fixed
                ? try config.model.build(imageShape: split.imageShape, classes: data.classCount, rng: &netRNG) : nil
            selector = DMSelector(interval: interval, pool: pool, batch: config.batchReal, fixedNet: fixed)
        } else {
            selector = nil
        }
    }

    public func start(rng: inout SeededRNG) throws -> State {
        State(images: try SyntheticSet.initialImages(split, ipc: config.ipc, classes: split.classCount, mode: config.initialization,
                                                     model: config.model, rng: &rng))
    }

    public func iterate(_ state: inout State, rng: inout SeededRNG, context: IterationContext) throws -> IterationOutcome {
        IterationOutcome(loss: try DistributionMatching.step(&state, split: split, config: config, dsa: dsa, selector: selector, rng: &rng))
    }

    public func images(of state: State) -> Tensor { state.images }

    public func artifacts(of state: State) -> MethodArtifacts { MethodArtifacts(seed: config.seed) }

    public func settings(of state: State) -> [String: String] {
        var s = ["iterations": "\(config.iterations)", "batch_real": "\(config.batchReal)", "lr": "\(config.learningRate)",
                 "dsa": dsa.strategy, "model": config.model.description, "init": config.initialization.rawValue,
                 "select": config.selection.description, "seed": "\(config.seed)"]
        if config.selection != .random { s["dream_features"] = config.dreamFeatures.rawValue }
        return s
    }

    public static func migrate(_ legacy: LegacyRunState) throws -> State {
        let age = legacy.optionalTensors("dream_age")?.first?.data.first ?? 0
        return State(images: try legacy.tensor("images"), velocity: legacy.optionalTensors("velocity"),
                     representatives: legacy.optionalTensors("dream_representatives")?.map { $0.data.map { Int($0) } },
                     representativesAge: Int(age))
    }
}
