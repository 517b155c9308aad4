// Plain twins of the distance kernels: Σ (x − c)² straight from the definition, in Double, one
// pair at a time. No GEMM, no threads, no norm trick.

/// Reference twin of `pairwiseSquaredDistances` (needs no norms). out: [n, k].
public func pairwiseSquaredDistancesReference(
    x: UnsafePointer<Float>, n: Int, c: UnsafePointer<Float>, k: Int, d: Int, out: UnsafeMutablePointer<Float>
) {
    for i in 0..<n {
        for j in 0..<k {
            out[i * k + j] = Float(squaredDistanceReference(x + i * d, c + j * d, d: d))
        }
    }
}

/// Reference twin of `nearestRows`: exact distances, lowest index on ties.
public func nearestRowsReference(
    x: UnsafePointer<Float>, n: Int, c: UnsafePointer<Float>, k: Int, d: Int,
    labels: UnsafeMutablePointer<Int>, distances: UnsafeMutablePointer<Float>
) {
    precondition(k >= 1, "nearestRowsReference: no rows to compare with")
    for i in 0..<n {
        var best = 0, bestValue = Double.infinity
        for j in 0..<k {
            let v = squaredDistanceReference(x + i * d, c + j * d, d: d)
            if v < bestValue { bestValue = v; best = j }
        }
        labels[i] = best
        distances[i] = Float(bestValue)
    }
}

/// Σ_j (a[j] − b[j])² in Double.
public func squaredDistanceReference(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, d: Int) -> Double {
    var s = 0.0
    for j in 0..<d {
        let t = Double(a[j]) - Double(b[j])
        s += t * t
    }
    return s
}
