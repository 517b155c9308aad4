// K-means: Lloyd's algorithm (Lloyd 1982) seeded by greedy k-means++ (Arthur & Vassilvitskii,
// SODA 2007), and the nearest real row to each centre, which DREAM (Liu et al., ICCV 2023) uses
// as its representatives. Seeding is in KMeans+Seeding.swift, the rounds in KMeans+Lloyd.swift,
// plain twins in KMeans+Reference.swift.
import Kernels
import TensorCore

/// K-means clustering of the rows of a matrix.
///
///     var rng = SeededRNG(seed: 1)
///     let (centroids, assignment, inertia) = try KMeans.fit(features, k: 10, rng: &rng)
///     let representatives = try KMeans.nearest(features, to: centroids)  // row indices
public enum KMeans {
    /// Lloyd's k-means on rows of `points` [n, d], k-means++ initialisation from `rng`,
    /// at most `iterations` rounds (stop early when assignments stop changing).
    /// Returns centroids [k, d], assignment of each row, and the inertia.
    ///
    /// A round is one update of the centres followed by one assignment, so `iterations: 0`
    /// returns the k-means++ centres. A cluster left empty by a round is moved onto the point
    /// farthest from its centre (farthest first, one point per empty cluster).
    public static func fit(_ points: Tensor, k: Int, iterations: Int = 100, rng: inout SeededRNG) throws -> (centroids: Tensor, assignment: [Int], inertia: Float) {
        let (n, d) = try checkedRows(points, what: "points", op: "kmeans")
        guard k >= 1 else { throw TensorError("kmeans: k must be >= 1, got \(k)") }
        guard k <= n else { throw TensorError("kmeans: k = \(k) clusters need at least \(k) points, got \(n)") }
        guard iterations >= 0 else { throw TensorError("kmeans: iterations must be >= 0, got \(iterations)") }

        let rows = CenteredRows(points.data, n: n, d: d)
        let seeds = plusPlusCentres(rows, k: k, rng: &rng)
        let (centroids, labels, _) = lloyd(rows, from: seeds, k: k, iterations: iterations)
        let result = Tensor(unchecked: [k, d], data: rows.uncentred(centroids))
        let inertia = exactInertia(points.data, d: d, centroids: result.data, labels: labels)
        return (result, labels, inertia)
    }

    /// Index of the row of `points` nearest to each centroid (DREAM's representatives), distinct when possible.
    ///
    /// Centroids claim rows in order of how close their nearest row is (closest first, then by
    /// index); a centroid whose nearest row is taken gets its nearest free row. Rows repeat only
    /// when there are more centroids than rows.
    public static func nearest(_ points: Tensor, to centroids: Tensor) throws -> [Int] {
        let (n, d) = try checkedRows(points, what: "points", op: "kmeans.nearest")
        let (k, dc) = try checkedRows(centroids, what: "centroids", op: "kmeans.nearest")
        guard dc == d else {
            throw TensorError("kmeans.nearest: centroids have \(dc) features, points have \(d) (shapes \(centroids.shape.shapeText) and \(points.shape.shapeText))")
        }
        let rows = CenteredRows(points.data, n: n, d: d)
        let centred = rows.centred(centroids.data)
        var table = [Float](repeating: 0, count: n * k)
        rows.distances(to: centred, k: k, out: &table)
        return claimNearest(n: n, k: k) { i, j in Double(table[i * k + j]) }
    }

    /// Greedy distinct claim shared by `nearest` and its twin; `distance(i, j)` is row i to centroid j.
    static func claimNearest(n: Int, k: Int, distance: (Int, Int) -> Double) -> [Int] {
        var closest = [Double](repeating: .infinity, count: k)
        for j in 0..<k { for i in 0..<n { closest[j] = min(closest[j], distance(i, j)) } }
        let order = (0..<k).sorted { closest[$0] != closest[$1] ? closest[$0] < closest[$1] : $0 < $1 }
        var taken = [Bool](repeating: false, count: n)
        var free = n
        var out = [Int](repeating: 0, count: k)
        for j in order {
            var best = -1, bestValue = Double.infinity
            for i in 0..<n where free == 0 || !taken[i] {
                let v = distance(i, j)
                if best < 0 || v < bestValue { best = i; bestValue = v }
            }
            out[j] = best
            if !taken[best] { taken[best] = true; free -= 1 }
        }
        return out
    }

    /// Checks a [rows, features] matrix of finite values with at least one row and one feature.
    static func checkedRows(_ t: Tensor, what: String, op: String) throws -> (Int, Int) {
        guard t.rank == 2 else { throw TensorError("\(op): \(what) must be a matrix [rows, features], got shape \(t.shape.shapeText)") }
        let (n, d) = (t.shape[0], t.shape[1])
        guard n >= 1 else { throw TensorError("\(op): \(what) has no rows") }
        guard d >= 1 else { throw TensorError("\(op): \(what) has no features (shape \(t.shape.shapeText))") }
        if let bad = t.data.firstIndex(where: { !$0.isFinite }) {
            throw TensorError("\(op): \(what) row \(bad / d) holds \(t.data[bad]); values must be finite")
        }
        return (n, d)
    }

    /// Σ_i ||x_i − c_{label_i}||² from the definition, in Double; rows in fixed blocks whose
    /// partial sums are added in block order (the same bits for any thread count).
    static func exactInertia(_ x: [Float], d: Int, centroids: [Float], labels: [Int]) -> Float {
        let n = labels.count
        let blocks = (n + distanceBlockRows - 1) / distanceBlockRows
        var partial = [Double](repeating: 0, count: blocks)
        x.withUnsafeBufferPointer { xp in
            centroids.withUnsafeBufferPointer { cp in
                partial.withUnsafeMutableBufferPointer { pp in
                    let (xb, cb, sums) = (xp.baseAddress!, cp.baseAddress!, pp.baseAddress!)
                    ThreadPool.forRanges(blocks) { range in
                        for b in range {
                            var s = 0.0
                            for i in (b * distanceBlockRows)..<min(n, (b + 1) * distanceBlockRows) {
                                s += squaredDistanceReference(xb + i * d, cb + labels[i] * d, d: d)
                            }
                            sums[b] = s
                        }
                    }
                }
            }
        }
        return Float(partial.reduce(0, +))
    }
}
