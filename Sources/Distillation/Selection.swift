// Coreset selection per class: random, herding, k-center greedy and k-means nearest-to-centre,
// the real-data baselines of DC's Table 1 (REFERENCE.md §1). The per-method greedy loops are in
// Selection+Greedy.swift, their plain twins in Selection+Reference.swift. No training here.
import Autograd
import Datasets
import NeuralNet
import TensorCore

/// Picks `k` real images per class.
///
///     var rng = SeededRNG(seed: 0)
///     let net = try ModelSpec.convNet3.build(imageShape: data.train.imageShape, classes: 10, rng: &rng)
///     let idx = try Selection.select(data.train, perClass: 10, method: .herding, model: net, rng: &rng)
///     let coreset = try data.train.selecting(idx)
public enum Selection {
    /// How images are chosen within a class.
    public enum Method: String, CaseIterable, Sendable {
        /// Uniformly at random (a seeded permutation's first k).
        case random
        /// Greedy mean matching on embedding features (Welling 2009; DC's baseline).
        case herding
        /// Greedy farthest-point cover of the feature space (Sener & Savarese 2018), started at the point nearest the class mean.
        case kcenter
        /// k-means with k clusters per class, the real image nearest each centre (DREAM's representatives).
        case kmeans
    }

    /// Images per forward pass when computing features.
    static let featureBatch = 256

    /// Indices (into `split`) of `k` images per class chosen by `method` on the embedding
    /// features of `model` (no gradients; features computed in batches), class-major order.
    ///
    /// Features are `model.embed` in evaluation mode (batch-norm running statistics, so a
    /// network's statistics are left untouched and an image's feature does not depend on its
    /// batch). `random` needs no model. Within a class, indices come in the order the method
    /// picked them (k-means: centre order).
    public static func select(_ split: DatasetSplit, perClass k: Int, method: Method, model: Model?,
                              rng: inout SeededRNG, progress: ProgressSink = SilentProgress()) throws -> [Int] {
        guard k >= 1 else { throw TensorError("select: images per class must be >= 1, got \(k)") }
        for (c, pool) in split.classIndex.enumerated() where pool.count < k {
            throw TensorError(pool.isEmpty
                ? "select: class \(c) has no images in this split"
                : "select: class \(c) has \(pool.count) images, fewer than the \(k) per class asked for")
        }
        var net: Model?
        if method != .random {
            guard let model else { throw TensorError("select: method '\(method.rawValue)' needs a model for its features") }
            guard model.inputShape == split.imageShape else {
                throw TensorError("select: model \(model.name) takes images \(model.inputShape.shapeText), the split has \(split.imageShape.shapeText)")
            }
            net = model
        }
        progress.begin("select \(method.rawValue)", total: split.classCount)
        var done = false
        defer { progress.end(interrupted: !done) }
        var out = [Int]()
        out.reserveCapacity(k * split.classCount)
        for (c, pool) in split.classIndex.enumerated() {
            if let net {
                let features = try embedding(split, indices: pool, model: net)
                out += try choose(features, k: k, method: method, rng: &rng).map { pool[$0] }
            } else {
                out += try split.randomIndices(ofClass: c, count: k, rng: &rng)
            }
            progress.update(step: c + 1, figures: [])
        }
        done = true
        return out
    }

    /// Lower-level: `k` rows of one class's features [n, d] chosen by `method` (`random` draws
    /// from `rng` as `DatasetSplit.randomIndices` does).
    public static func choose(_ features: Tensor, k: Int, method: Method, rng: inout SeededRNG) throws -> [Int] {
        switch method {
        case .random:
            // The first k of a seeded Fisher-Yates shuffle, as DatasetSplit.randomIndices.
            let (n, _) = try checkedChoice(features, k: k, op: "random")
            var order = Array(0..<n)
            for i in 0..<k { order.swapAt(i, i + rng.nextInt(below: n - i)) }
            return Array(order.prefix(k))
        case .herding: return try herding(features, k: k)
        case .kcenter: return try kCenterGreedy(features, k: k, rng: &rng)
        case .kmeans: return try KMeans.nearest(features, to: KMeans.fit(features, k: k, rng: &rng).centroids)
        }
    }

    /// `model.embed` of the images at `indices`, [count, features], in batches, without gradients.
    public static func embedding(_ split: DatasetSplit, indices: [Int], model: Model) throws -> Tensor {
        var data = [Float]()
        var width = 0
        try GradMode.withoutGrad {
            var start = 0
            while start < indices.count {
                let end = min(indices.count, start + featureBatch)
                let images = try split.gather(Array(indices[start..<end])).images
                let f = try model.embed(Variable(images), mode: .eval).value
                width = f.shape[1]
                if data.isEmpty { data.reserveCapacity(indices.count * width) }
                data += f.data
                start = end
            }
        }
        return Tensor(unchecked: [indices.count, width], data: data)
    }
}
