// The two greedy coreset rules on a feature matrix: herding (Welling, ICML 2009, as DC's
// baseline) and k-center greedy (Sener & Savarese, ICLR 2018). Each step is one pass of the
// distance kernel over the rows; plain twins in Selection+Reference.swift.
import Kernels
import TensorCore

extension Selection {
    /// Where k-center greedy starts.
    public enum KCenterStart: String, CaseIterable, Sendable {
        /// The row nearest the mean (the default; see `kCenterGreedy`).
        case nearestMean
        /// A row drawn uniformly from `rng`.
        case random
    }

    /// Lower-level: choose k rows of features [n, d].
    ///
    /// Herding: step t adds the row that brings the mean of the chosen rows closest to the mean
    /// of all rows, i.e. the row nearest t·μ − Σ chosen (ties: lowest index). Rows are distinct.
    public static func herding(_ features: Tensor, k: Int) throws -> [Int] {
        let (n, d) = try checkedChoice(features, k: k, op: "herding")
        let rows = KMeans.CenteredRows(features.data, n: n, d: d)
        // In centred space the target t·μ − S is −S', S' the sum of the chosen centred rows,
        // so each step wants the row nearest −S'.
        var target = [Float](repeating: 0, count: d)
        var sum = [Double](repeating: 0, count: d)
        var taken = [Bool](repeating: false, count: n)
        var dist = [Float](repeating: 0, count: n)
        var out = [Int]()
        for _ in 0..<k {
            rows.distances(to: target, k: 1, out: &dist)
            var best = -1
            for i in 0..<n where !taken[i] && (best < 0 || dist[i] < dist[best]) { best = i }
            out.append(best)
            taken[best] = true
            for j in 0..<d {
                sum[j] += Double(rows.x[best * d + j])
                target[j] = Float(-sum[j])
            }
        }
        return out
    }

    /// Lower-level: choose k rows of features [n, d] by k-center greedy: each step adds the
    /// row farthest from the chosen set (ties: lowest index). Rows are distinct.
    ///
    /// The first row is the one nearest the mean by default: DC's Table 1 has k-center at one
    /// image per class scoring with herding (whose first pick is that row), not with random
    /// images, and a fixed centre keeps the first pick representative rather than arbitrary.
    /// `start: .random` draws the first row from `rng` instead (Sener & Savarese's setting);
    /// the default leaves `rng` untouched.
    public static func kCenterGreedy(_ features: Tensor, k: Int, rng: inout SeededRNG, start: KCenterStart = .nearestMean) throws -> [Int] {
        let (n, d) = try checkedChoice(features, k: k, op: "kcenter")
        let rows = KMeans.CenteredRows(features.data, n: n, d: d)
        var first = 0
        switch start {
        case .random: first = rng.nextInt(below: n)
        case .nearestMean: for i in 1..<n where rows.norms[i] < rows.norms[first] { first = i }
        }
        var out = [first]
        var taken = [Bool](repeating: false, count: n)
        taken[first] = true
        var cover = [Float](repeating: 0, count: n)
        var dist = [Float](repeating: 0, count: n)
        rows.distances(to: rows.row(first), k: 1, out: &cover)
        while out.count < k {
            var best = -1
            for i in 0..<n where !taken[i] && (best < 0 || cover[i] > cover[best]) { best = i }
            out.append(best)
            taken[best] = true
            rows.distances(to: rows.row(best), k: 1, out: &dist)
            for i in 0..<n { cover[i] = min(cover[i], dist[i]) }
        }
        return out
    }

    /// Checks features [n, d] (finite) and 1 <= k <= n.
    static func checkedChoice(_ features: Tensor, k: Int, op: String) throws -> (Int, Int) {
        let (n, d) = try KMeans.checkedRows(features, what: "features", op: op)
        guard k >= 1 else { throw TensorError("\(op): k must be >= 1, got \(k)") }
        guard k <= n else { throw TensorError("\(op): cannot choose \(k) distinct rows out of \(n)") }
        return (n, d)
    }
}
