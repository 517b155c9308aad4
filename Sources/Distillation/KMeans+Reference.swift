// Plain twin of KMeans: the same seeding draws, rounds and empty-cluster rule, with every
// distance taken from the definition in Double on the uncentred rows. No GEMM, no threads.
import Kernels
import TensorCore

extension KMeans {
    /// Reference twin of `fit` (same argument checks, same use of `rng`).
    static func fitReference(_ points: Tensor, k: Int, iterations: Int = 100, rng: inout SeededRNG) throws -> (centroids: Tensor, assignment: [Int], inertia: Float) {
        let (n, d) = try checkedRows(points, what: "points", op: "kmeans")
        guard k >= 1, k <= n, iterations >= 0 else { throw TensorError("kmeans: bad k \(k) or iterations \(iterations) for \(n) points") }
        let x = points.data
        var centres = plusPlusCentresReference(x, n: n, d: d, k: k, rng: &rng)
        var (labels, distances) = assignReference(x, n: n, d: d, centres: centres, k: k)
        for _ in 0..<iterations {
            var counts = [Int](repeating: 0, count: k)
            var sums = [Double](repeating: 0, count: k * d)
            for i in 0..<n {
                counts[labels[i]] += 1
                for j in 0..<d { sums[labels[i] * d + j] += Double(x[i * d + j]) }
            }
            var next = [Float](repeating: 0, count: k * d)
            for c in 0..<k where counts[c] > 0 {
                for j in 0..<d { next[c * d + j] = Float(sums[c * d + j] / Double(counts[c])) }
            }
            relocateEmpty(counts: counts, distances: distances.map(Float.init)) { c, i in
                for j in 0..<d { next[c * d + j] = x[i * d + j] }
            }
            centres = next
            let previous = labels
            (labels, distances) = assignReference(x, n: n, d: d, centres: centres, k: k)
            if labels == previous { break }
        }
        let inertia = distances.reduce(0, +)
        return (Tensor(unchecked: [k, d], data: centres), labels, Float(inertia))
    }

    /// Reference twin of `nearest`.
    static func nearestReference(_ points: Tensor, to centroids: Tensor) throws -> [Int] {
        let (n, d) = try checkedRows(points, what: "points", op: "kmeans.nearest")
        let (k, dc) = try checkedRows(centroids, what: "centroids", op: "kmeans.nearest")
        guard dc == d else { throw TensorError("kmeans.nearest: centroids have \(dc) features, points have \(d)") }
        let table = directDistances(points.data, n: n, centroids.data, k: k, d: d)
        return claimNearest(n: n, k: k) { i, j in table[i * k + j] }
    }

    /// Greedy k-means++ with direct distances; draws from `rng` exactly as the fast path.
    static func plusPlusCentresReference(_ x: [Float], n: Int, d: Int, k: Int, rng: inout SeededRNG) -> [Float] {
        func row(_ i: Int) -> [Float] { Array(x[(i * d)..<((i + 1) * d)]) }
        let trials = seedingTrials(k: k)
        var chosen = [rng.nextInt(below: n)]
        var closest = directDistances(x, n: n, row(chosen[0]), k: 1, d: d)
        var potential = closest.reduce(0, +)
        var cumulative = [Double](repeating: 0, count: n)
        while chosen.count < k {
            let candidates = drawCandidates(closest, potential: potential, trials: trials, cumulative: &cumulative, rng: &rng)
            let table = directDistances(x, n: n, candidates.flatMap(row), k: trials, d: d)
            var best = 0, bestPotential = Double.infinity
            for t in 0..<trials {
                var s = 0.0
                for i in 0..<n { s += min(closest[i], table[i * trials + t]) }
                if s < bestPotential { bestPotential = s; best = t }
            }
            for i in 0..<n { closest[i] = min(closest[i], table[i * trials + best]) }
            potential = bestPotential
            chosen.append(candidates[best])
        }
        return chosen.flatMap(row)
    }

    /// Nearest centre (lowest index on ties) and the squared distance to it, for every row.
    static func assignReference(_ x: [Float], n: Int, d: Int, centres: [Float], k: Int) -> ([Int], [Double]) {
        let table = directDistances(x, n: n, centres, k: k, d: d)
        var labels = [Int](repeating: 0, count: n), best = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var b = 0
            for j in 1..<max(1, k) where table[i * k + j] < table[i * k + b] { b = j }
            labels[i] = b
            best[i] = table[i * k + b]
        }
        return (labels, best)
    }

    /// [n, k] squared distances in Double from the definition.
    static func directDistances(_ x: [Float], n: Int, _ c: [Float], k: Int, d: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * k)
        x.withUnsafeBufferPointer { xp in
            c.withUnsafeBufferPointer { cp in
                for i in 0..<n {
                    for j in 0..<k { out[i * k + j] = squaredDistanceReference(xp.baseAddress! + i * d, cp.baseAddress! + j * d, d: d) }
                }
            }
        }
        return out
    }
}
