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
        guard ipc >= 1 else { throw TensorError("dm: ipc must be >= 1, got \(ipc)") }
        guard iterations >= 0 else { throw TensorError("dm: iterations must be >= 0, got \(iterations)") }
        guard batchReal >= 1 else { throw TensorError("dm: batch_real must be >= 1, got \(batchReal)") }
        guard learningRate > 0, learningRate.isFinite else { throw TensorError("dm: lr must be positive, got \(learningRate)") }
        try selection.validate(method: "dm")
    }
}

/// The network whose embeddings DREAM clusters inside DM.
public enum DreamFeatures: String, Codable, Sendable, CaseIterable {
    /// The fresh random network of the iteration that re-clusters.
    case current
    /// One random network drawn at the start (from its own seed) and kept for the whole run.
    case fixed
}

public enum DistributionMatching {
    /// Distils `data.train` into `ipc` images per class. With a checkpoint, the loop state is
    /// saved every `checkpoint.every` iterations (and at the end or on Ctrl-C), and a run
    /// finds its file there resumes from it.
    public static func run(_ data: Dataset, config: DMConfig, checkpoint: Checkpoint? = nil,
                           control: RunControl = RunControl(),
                           progress: ProgressSink = SilentProgress()) throws -> SyntheticSet {
        try config.validate()
        let dsa = try DSA(strategy: config.dsa)
        let split = data.train
        let classes = data.classCount
        let ipc = config.ipc
        var rng = SeededRNG(seed: config.seed)
        var images = try SyntheticSet.initialImages(split, ipc: ipc, classes: classes, mode: config.initialization,
                                                    model: config.model, rng: &rng)
        var selector: DMSelector?
        if case let .dream(interval, pool) = config.selection {
            var netRNG = SeededRNG(seed: config.seed ^ 0x4452_4541_4d00)   // "DREAM": the fixed network's own stream
            let fixed = config.dreamFeatures == .fixed
                ? try config.model.build(imageShape: split.imageShape, classes: classes, rng: &netRNG) : nil
            selector = DMSelector(interval: interval, pool: pool, batch: config.batchReal, fixedNet: fixed)
        }
        let extras = LoopExtras()
        var result = SyntheticSet(
            images: images, labels: SyntheticSet.classMajorLabels(classes: classes, ipc: ipc), ipc: ipc,
            classNames: data.classNames, normalization: data.normalization, method: "dm",
            settings: ["iterations": "\(config.iterations)", "batch_real": "\(config.batchReal)", "lr": "\(config.learningRate)",
                       "dsa": dsa.strategy, "model": config.model.description, "init": config.initialization.rawValue,
                       "select": config.selection.description, "seed": "\(config.seed)"]
                .merging(config.selection == .random ? [:] : ["dream_features": config.dreamFeatures.rawValue]) { a, _ in a })
        var opt = SGD(learningRate: config.learningRate, momentum: config.momentum)
        try ImageLoopState.run(method: "dm", total: config.iterations, config: config, checkpoint: checkpoint, progress: progress,
                               control: control, extras: extras,
                               images: &images, optimizer: &opt, rng: &rng, result: &result) { images, opt, rng, _ in
            (try step(images: &images, optimizer: &opt, split: split, classes: classes, ipc: ipc,
                      batchReal: config.batchReal, dsa: dsa, model: config.model, selector: selector, extras: extras, rng: &rng), true)
        }
        result.images = images
        return result
    }

    /// One DM iteration: fresh network, per-class mean-embedding distance, one SGD step on the
    /// images. Returns the loss (sum over classes).
    static func step(images: inout Tensor, optimizer: inout SGD, split: DatasetSplit, classes: Int, ipc: Int,
                     batchReal: Int, dsa: DSA, model spec: ModelSpec, selector: DMSelector? = nil, extras: LoopExtras? = nil,
                     rng: inout SeededRNG) throws -> Float {
        let net = try spec.build(imageShape: split.imageShape, classes: classes, rng: &rng)
        var representatives: [[Int]]?
        if let selector, let extras {
            representatives = try selector.representatives(extras, net: net, split: split, rng: &rng)
        }
        let syn = Variable(images, requiresGrad: true)
        var seeds: [UInt64] = []
        var realMeans: [Tensor] = []
        // Real branch: no gradient, one class at a time to bound memory.
        try GradMode.withoutGrad {
            for c in 0..<classes {
                let real: Tensor
                if let representatives {
                    real = try split.gather(representatives[c]).images
                } else {
                    real = try split.sample(ofClass: c, count: Swift.min(batchReal, split.classIndex[c].count), rng: &rng)
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
        var params = [images]
        try optimizer.step(&params, [grad])
        images = params[0]
        return loss.value.data[0]
    }
}

/// DREAM's representative real batches inside DM: per class, the `batch` images nearest the
/// k-means centres of a network's embeddings, re-chosen every `interval` iterations. The
/// current choice and its age live in the loop's extras, so checkpoints and resumes keep it.
struct DMSelector {
    let interval: Int
    let pool: Int
    let batch: Int
    /// The network of `DreamFeatures.fixed`; nil clusters with each iteration's own network.
    let fixedNet: Model?
    /// Per class, the fixed network's embeddings of all its images.
    final class FeatureCache { var features: [Int: Tensor] = [:] }
    let cache = FeatureCache()

    /// The representatives for this iteration, re-clustering when they are `interval`
    /// iterations old (or absent).
    func representatives(_ extras: LoopExtras, net: Model, split: DatasetSplit, rng: inout SeededRNG) throws -> [[Int]] {
        let age = Int(extras.tensors["dream_age"]?.first?.data.first ?? 0)
        if let saved = extras.tensors["dream_representatives"], age < interval {
            extras.tensors["dream_age"] = [Tensor(unchecked: [1], data: [Float(age + 1)])]
            return saved.map { $0.data.map { Int($0) } }
        }
        var picked: [[Int]] = []
        for c in 0..<split.classCount {
            let count = Swift.min(batch, split.classIndex[c].count)
            if let fixedNet, pool == 0 {
                // The fixed network's features never change: compute each class's once.
                if cache.features[c] == nil {
                    cache.features[c] = try DREAM.embeddings(fixedNet, split.gather(split.classIndex[c]).images)
                }
                picked.append(try DREAM.representatives(features: cache.features[c]!, of: split.classIndex[c], count: count, rng: &rng))
            } else {
                picked.append(try DREAM.representatives(fixedNet ?? net, split: split, ofClass: c, count: count, pool: pool, rng: &rng))
            }
        }
        // Indices are below 2^24, so Float holds them exactly.
        extras.tensors["dream_representatives"] = picked.map { Tensor(unchecked: [$0.count], data: $0.map { Float($0) }) }
        extras.tensors["dream_age"] = [Tensor(unchecked: [1], data: [1])]
        return picked
    }
}
