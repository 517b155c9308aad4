// DREAM: Liu et al., "DREAM: Efficient Dataset Distillation by Representative Matching", ICCV
// 2023 (arXiv 2302.14416; reference lyq312318224/DREAM condense.py). Representative real batches
// by k-means on network features, and k-means initialisation; the loops are IDC's and DC's.
import Autograd
import Datasets
import NeuralNet
import TensorCore

/// DREAM's representative matching, as a selection for `IDC.run` (its reference base) and
/// `DatasetCondensation.run`.
///
///     let cfg = DREAM.reference(for: data, ipc: 10)   // IDC settings + DREAM selection and init
///     let syn = try DREAM.run(data, config: cfg)
public enum DREAM {
    /// IDC's reference settings with DREAM's representative batches (re-clustered every 10
    /// rounds) and k-means initialisation.
    public static func reference(for data: Dataset, ipc: Int, factor: Int = 2) -> IDCConfig {
        var c = IDCConfig.reference(for: data, ipc: ipc, factor: factor)
        c.selection = .dream
        c.initialization = .kmeans
        return c
    }

    /// Runs IDC with the config's selection (use `reference(for:ipc:)` for DREAM's).
    public static func run(_ data: Dataset, config: IDCConfig, checkpoint: Checkpoint? = nil,
                           control: RunControl = RunControl(),
                           progress: ProgressSink = SilentProgress()) throws -> SyntheticSet {
        try IDC.run(data, config: config, checkpoint: checkpoint, control: control, progress: progress)
    }

    /// Split indices of `count` representatives of class `c`: k-means with k = `count` (at most
    /// the class size) on `net.embed` of the class's images (a random `pool` of them when
    /// pool > 0), then the image nearest each centre.
    public static func representatives(
        _ net: Model, split: DatasetSplit, ofClass c: Int, count: Int, pool: Int = 0, rng: inout SeededRNG
    ) throws -> [Int] {
        var candidates = split.classIndex[c]
        if pool > 0 && pool < candidates.count {
            candidates = try split.randomIndices(ofClass: c, count: pool, rng: &rng)
        }
        guard !candidates.isEmpty else { throw TensorError("dream: class \(c) has no training images") }
        let features = try embeddings(net, split.gather(candidates).images)
        return try representatives(features: features, of: candidates, count: count, rng: &rng)
    }

    /// The `count` (at most all) of `candidates` nearest the k-means centres of their
    /// `features` [candidates.count, d].
    public static func representatives(features: Tensor, of candidates: [Int], count: Int, rng: inout SeededRNG) throws -> [Int] {
        let k = Swift.min(count, candidates.count)
        guard k >= 1 else { throw TensorError("dream: no images to choose from") }
        let (centroids, _, _) = try KMeans.fit(features, k: k, rng: &rng)
        return try KMeans.nearest(features, to: centroids).map { candidates[$0] }
    }

    /// `net.embed` of images [n, c, h, w] in chunks, without gradients, norms in eval mode (so
    /// batch-norm statistics are read, not updated): [n, features].
    static func embeddings(_ net: Model, _ images: Tensor, chunk: Int = 500) throws -> Tensor {
        var parts: [Tensor] = []
        try GradMode.withoutGrad {
            var start = 0
            while start < images.shape[0] {
                let end = Swift.min(images.shape[0], start + chunk)
                parts.append(try net.embed(Variable(images.slice(axis: 0, start..<end)), mode: .eval).value)
                start = end
            }
        }
        return try Tensor.concat(parts, axis: 0)
    }

    /// DREAM's initialisation for IDC: per class, k-means with ipc·f² centres on the embeddings
    /// of a fresh network, the nearest images packed into the tiles (`mix` with k-means picks).
    /// Returns images in [0, 1] pixel units.
    static func initialPixels(
        _ split: DatasetSplit, ipc: Int, formation: MultiFormation, normalization: Normalization,
        model: ModelSpec, classes: Int, rng: inout SeededRNG
    ) throws -> Tensor {
        let net = try model.build(imageShape: split.imageShape, classes: classes, rng: &rng)
        let per = ipc * formation.imagesPerStored
        var parts: [Tensor] = []
        for c in 0..<classes {
            guard split.classIndex[c].count >= per else {
                throw TensorError("dream: class \(c) has \(split.classIndex[c].count) training images, fewer than the \(per) k-means initialisation needs")
            }
            let picks = try representatives(net, split: split, ofClass: c, count: per, rng: &rng)
            let pixels = try normalization.denormalized(split.gather(picks).images)
            parts.append(try formation.encode(pixels))
        }
        return try Tensor.concat(parts, axis: 0)
    }
}
