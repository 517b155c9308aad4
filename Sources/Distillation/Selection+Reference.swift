// Plain twins of herding and k-center greedy: the targets and distances straight from the
// definitions, in Double on the uncentred rows. No kernel, no threads.
import Kernels
import TensorCore

extension Selection {
    /// Reference twin of `herding`: step t takes the free row i minimising ||t·μ − S − x_i||².
    static func herdingReference(_ features: Tensor, k: Int) throws -> [Int] {
        let (n, d) = try checkedChoice(features, k: k, op: "herding")
        let x = features.data.map(Double.init)
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += x[i * d + j] } }
        for j in 0..<d { mean[j] /= Double(n) }
        var sum = [Double](repeating: 0, count: d)
        var taken = [Bool](repeating: false, count: n)
        var out = [Int]()
        for t in 1...k {
            var best = -1, bestValue = Double.infinity
            for i in 0..<n where !taken[i] {
                var s = 0.0
                for j in 0..<d {
                    let r = Double(t) * mean[j] - sum[j] - x[i * d + j]
                    s += r * r
                }
                if best < 0 || s < bestValue { best = i; bestValue = s }
            }
            out.append(best)
            taken[best] = true
            for j in 0..<d { sum[j] += x[best * d + j] }
        }
        return out
    }

    /// Reference twin of `kCenterGreedy`.
    static func kCenterGreedyReference(_ features: Tensor, k: Int, rng: inout SeededRNG, start: KCenterStart = .nearestMean) throws -> [Int] {
        let (n, d) = try checkedChoice(features, k: k, op: "kcenter")
        let x = features.data
        let mean = (0..<d).map { j in (0..<n).reduce(0.0) { $0 + Double(x[$1 * d + j]) } / Double(n) }
        func dist(_ a: Int, _ b: Int) -> Double {
            x.withUnsafeBufferPointer { squaredDistanceReference($0.baseAddress! + a * d, $0.baseAddress! + b * d, d: d) }
        }
        var first = 0
        switch start {
        case .random: first = rng.nextInt(below: n)
        case .nearestMean:
            var bestValue = Double.infinity
            for i in 0..<n {
                let s = (0..<d).reduce(0.0) { let r = Double(x[i * d + $1]) - mean[$1]; return $0 + r * r }
                if s < bestValue { bestValue = s; first = i }
            }
        }
        var out = [first]
        var cover = (0..<n).map { dist($0, first) }
        while out.count < k {
            var best = -1
            for i in 0..<n where !out.contains(i) && (best < 0 || cover[i] > cover[best]) { best = i }
            out.append(best)
            for i in 0..<n { cover[i] = min(cover[i], dist(i, best)) }
        }
        return out
    }
}
