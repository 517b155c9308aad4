// k-means++ seeding (Arthur & Vassilvitskii, "k-means++: the advantages of careful seeding",
// SODA 2007), greedy variant: each new centre is the best of 2 + ⌊ln k⌋ candidates drawn with
// probability ∝ D², as scikit-learn's `kmeans_plusplus`. Lloyd's iterations are in KMeans.swift.
import Foundation
import Kernels
import TensorCore

extension KMeans {
    /// Candidates tried per new centre.
    static func seedingTrials(k: Int) -> Int { 2 + Int(log(Double(k))) }

    /// k centres (centred space, [k, d]) chosen by greedy k-means++ from `rng`.
    static func plusPlusCentres(_ rows: CenteredRows, k: Int, rng: inout SeededRNG) -> [Float] {
        let (n, d) = (rows.n, rows.d)
        let trials = seedingTrials(k: k)
        var chosen = [rng.nextInt(below: n)]
        var closest = [Float](repeating: 0, count: n)
        rows.distances(to: rows.row(chosen[0]), k: 1, out: &closest)
        closest[chosen[0]] = 0
        var potential = closest.reduce(0.0) { $0 + Double($1) }
        var table = [Float](repeating: 0, count: n * trials)
        var cumulative = [Double](repeating: 0, count: n)
        while chosen.count < k {
            let candidates = drawCandidates(closest.map(Double.init), potential: potential, trials: trials,
                                            cumulative: &cumulative, rng: &rng)
            var block = [Float]()
            block.reserveCapacity(trials * d)
            for c in candidates { block += rows.row(c) }
            rows.distances(to: block, k: trials, out: &table)
            for (t, c) in candidates.enumerated() { table[c * trials + t] = 0 }
            // Potential after adding each candidate; the smallest wins (first on ties).
            var best = 0, bestPotential = Double.infinity
            for t in 0..<trials {
                var s = 0.0
                for i in 0..<n { s += Double(min(closest[i], table[i * trials + t])) }
                if s < bestPotential { bestPotential = s; best = t }
            }
            for i in 0..<n { closest[i] = min(closest[i], table[i * trials + best]) }
            potential = bestPotential
            chosen.append(candidates[best])
        }
        return chosen.flatMap { rows.row($0) }
    }

    /// `trials` row indices drawn with probability ∝ weight (the D² weighting); uniform when
    /// every weight is zero (all rows coincide with centres). Shared by the fast path and its twin.
    static func drawCandidates(_ weights: [Double], potential: Double, trials: Int,
                               cumulative: inout [Double], rng: inout SeededRNG) -> [Int] {
        let n = weights.count
        guard potential > 0 else { return (0..<trials).map { _ in rng.nextInt(below: n) } }
        var running = 0.0
        for i in 0..<n { running += weights[i]; cumulative[i] = running }
        return (0..<trials).map { _ in
            let r = Double(rng.next() >> 11) * 0x1p-53 * running
            // First row whose cumulative weight exceeds r: rows of weight zero are never drawn.
            var lo = 0, hi = n - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > r { hi = mid } else { lo = mid + 1 }
            }
            return lo
        }
    }
}

extension KMeans.CenteredRows {
    /// Row i of the centred matrix.
    func row(_ i: Int) -> [Float] { Array(x[(i * d)..<((i + 1) * d)]) }
}
