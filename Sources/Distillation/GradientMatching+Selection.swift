// Which real images a matching step sees: a fresh random batch per class (DC, DSA, IDC), or
// DREAM's representatives, re-chosen every few steps (the k-means part lives in DREAM.swift).
import Datasets
import NeuralNet
import TensorCore

/// How the real batch of each class is chosen for a matching step.
public enum RealSelection: Codable, Equatable, Sendable, CustomStringConvertible {
    /// A fresh random batch per class and step (the reference methods).
    case random
    /// DREAM: per class, k-means (k = the real batch size) on the current network's embeddings
    /// of the class's training images, or of a random `pool` of them when `pool` > 0 (ours, to
    /// bound the cost on a CPU; 0 = all, as the reference); the image nearest each centre forms
    /// the batch, re-clustered every `interval` matching steps of a network.
    case dream(interval: Int, pool: Int)

    /// DREAM's defaults: re-cluster every 10 steps, over all images of the class.
    public static let dream = RealSelection.dream(interval: 10, pool: 0)

    public var description: String {
        switch self {
        case .random: return "random"
        case let .dream(interval, pool): return "dream(interval: \(interval)\(pool > 0 ? ", pool: \(pool)" : ""))"
        }
    }

    func validate(method: String) throws {
        guard case let .dream(interval, pool) = self else { return }
        guard interval >= 1 else { throw TensorError("\(method): dream interval must be >= 1, got \(interval)") }
        guard pool >= 0 else { throw TensorError("\(method): dream pool must be >= 0 (0 = every image), got \(pool)") }
    }
}

/// Draws per-class real batches under a `RealSelection`, keeping DREAM's representatives
/// between re-clusterings.
struct RealBatchSelector {
    let selection: RealSelection
    /// Per class, the split indices of the current representatives (DREAM only).
    private(set) var representatives: [[Int]] = []

    init(_ selection: RealSelection, classes: Int) {
        self.selection = selection
    }

    /// Called before each matching step `step` (counted from 0 within one network).
    mutating func refresh(step: Int, net: Model, split: DatasetSplit, batch: Int, rng: inout SeededRNG) throws {
        guard case let .dream(interval, pool) = selection, step % interval == 0 else { return }
        var picked: [[Int]] = []
        for c in 0..<split.classCount {
            picked.append(try DREAM.representatives(net, split: split, ofClass: c, count: batch, pool: pool, rng: &rng))
        }
        representatives = picked
    }

    /// The real images of class `c` for this step: DREAM's representatives, or `count` random
    /// ones (fewer if the class is smaller).
    func batch(ofClass c: Int, split: DatasetSplit, count: Int, rng: inout SeededRNG) throws -> Tensor {
        if !representatives.isEmpty { return try split.gather(representatives[c]).images }
        return try split.sample(ofClass: c, count: Swift.min(count, split.classIndex[c].count), rng: &rng)
    }
}
