// DD-Ranking's measures of a distilled set (Li et al., "DD-Ranking: Rethinking the Evaluation of
// Dataset Distillation", arXiv 2505.13300), computed on fractions as the paper defines them:
// hard-label recovery, improvement over random real images, and the label- and
// augmentation-robust scores that map their balance into [0, 1]. (The DD-Ranking v0.2.0 code
// feeds percentages into exp(), so its scores leave [0, 1]; these do not.)
import Foundation

/// The accuracies (fractions in [0, 1]) one scoring run measured.
public struct ScoreRun: Codable, Equatable, Sendable {
    /// The set under its protocol (with the protocol's augmentation, or DSA where it has none).
    public var set: Float
    /// A random real subset of the same size, same recipe, drawn anew for this run.
    public var random: Float
    /// The same two without augmentation.
    public var setPlain: Float
    public var randomPlain: Float
    /// The network trained on the whole train split.
    public var full: Float

    public init(set: Float, random: Float, setPlain: Float, randomPlain: Float, full: Float) {
        self.set = set
        self.random = random
        self.setPlain = setPlain
        self.randomPlain = randomPlain
        self.full = full
    }

    /// Hard-label recovery: what the set leaves of the whole data's accuracy (lower is better).
    public var hlr: Double { Double(full) - Double(set) }
    /// Improvement over random real images of the same size (higher is better).
    public var ior: Double { Double(set) - Double(random) }
    /// Label-robust score: the normalised balance (IOR − HLR) / 2.
    public var lrs: Double { FairScores.normalised((ior - hlr) / 2) }
    /// Augmentation-robust score: the normalised mean of the improvement over random with and
    /// without augmentation.
    public var ars: Double {
        FairScores.normalised(0.5 * (Double(set) - Double(random)) + 0.5 * (Double(setPlain) - Double(randomPlain)))
    }
}

/// The measures over several runs, each as mean and population std.
///
///     let s = FairScores(runs: [ScoreRun(set: 0.82, random: 0.74, setPlain: 0.80, randomPlain: 0.71, full: 0.91)])
///     s.lrs.mean   // normalised((0.08 - 0.09) / 2) ≈ 0.267
public struct FairScores: Codable, Equatable, Sendable {
    public var runs: [ScoreRun]

    public init(runs: [ScoreRun]) { self.runs = runs }

    /// x in [-1, 1] to [0, 1]: (e^x − e^−1) / (e − e^−1): 0 at −1, 0.267 at 0, 0.5 at 0.434, 1 at 1.
    public static func normalised(_ x: Double) -> Double { (exp(x) - exp(-1)) / (exp(1) - exp(-1)) }

    public struct Spread: Equatable, Sendable {
        public var mean: Double
        public var std: Double
    }

    static func spread(_ values: [Double]) -> Spread {
        guard !values.isEmpty else { return Spread(mean: .nan, std: .nan) }
        let m = values.reduce(0, +) / Double(values.count)
        return Spread(mean: m, std: (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)).squareRoot())
    }

    public var hlr: Spread { Self.spread(runs.map(\.hlr)) }
    public var ior: Spread { Self.spread(runs.map(\.ior)) }
    public var lrs: Spread { Self.spread(runs.map(\.lrs)) }
    public var ars: Spread { Self.spread(runs.map(\.ars)) }

    /// One of the measured accuracies over the runs.
    public func accuracy(_ part: KeyPath<ScoreRun, Float>) -> Spread { Self.spread(runs.map { Double($0[keyPath: part]) }) }
}
