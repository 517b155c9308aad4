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
        guard interval >= 1 else { throw DistillError.setting("interval", "\(method): interval must be at least 1, got \(interval)") }
        guard pool >= 0 else { throw DistillError.setting("pool", "\(method): pool must be 0 (every image) or more, got \(pool)") }
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

extension MethodParameter {
    /// `select=` ("random" or "dream"), then `interval=` and `pool=`, which tune DREAM's
    /// selection. `dreamAlways` methods (DREAM itself) keep DREAM's selection for "random" too.
    public static func selection(_ path: WritableKeyPath<Config, RealSelection>, dreamAlways: Bool = false) -> [Self] {
        func tuned(_ c: Config, _ name: String) throws -> (Int, Int) {
            guard case let .dream(interval, pool) = c[keyPath: path] else {
                throw DistillError.setting(name, "interval= and pool= tune select=\"dream\"; this call selects random batches")
            }
            return (interval, pool)
        }
        return [
            Self("select", .choice(["random", "dream"]), help: "chooses the real batches: random, or DREAM's representatives") { c, v, _ in
                switch try v.text("select").lowercased() {
                case "random": c[keyPath: path] = dreamAlways ? .dream : .random
                case "dream": c[keyPath: path] = .dream
                case let other: throw DistillError.setting("select", "unknown selection \"\(other)\" (expected one of: random, dream)")
                }
            },
            Self("interval", .integer, help: "sets the iterations between DREAM's re-clusterings") { c, v, _ in
                let (_, pool) = try tuned(c, "interval")
                c[keyPath: path] = .dream(interval: try v.integer("interval"), pool: pool)
            },
            Self("pool", .integer, help: "sets the random images per class DREAM clusters (0: all)") { c, v, _ in
                let (interval, _) = try tuned(c, "pool")
                c[keyPath: path] = .dream(interval: interval, pool: try v.integer("pool"))
            },
        ]
    }
}
