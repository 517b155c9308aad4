// Squared Euclidean distances between the rows of two matrices by ||x||² + ||c||² − 2 x·c with
// the dot products from one sgemm per block of rows, and the fused nearest-row search k-means
// assigns with. Plain twins in Distance+Reference.swift. No centring here: callers centre.

/// Rows are handled in blocks of this many; the split is fixed (never derived from the pool
/// width), so every row's dot products come from the same GEMM call for any thread count.
public let distanceBlockRows = 256

/// norms[i] = Σ_j x[i, j]², summed in Double. x: [n, d], norms: [n].
public func rowSquaredNorms(_ x: UnsafePointer<Float>, n: Int, d: Int, norms: UnsafeMutablePointer<Float>) {
    ThreadPool.forRanges(n, minChunk: 64) { rows in
        for i in rows {
            let row = x + i * d
            // Four partial sums keep the loop vectorisable; their order is fixed.
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            var j = 0
            while j + 4 <= d {
                let a = Double(row[j]), b = Double(row[j + 1]), c = Double(row[j + 2]), e = Double(row[j + 3])
                s0 += a * a; s1 += b * b; s2 += c * c; s3 += e * e
                j += 4
            }
            while j < d { let a = Double(row[j]); s0 += a * a; j += 1 }
            norms[i] = Float((s0 + s1) + (s2 + s3))
        }
    }
}

/// out[i, j] = max(0, ||x_i||² + ||c_j||² − 2 x_i·c_j) for every row pair.
///
/// x: [n, d], c: [k, d], xNorms: [n], cNorms: [k], out: [n, k] (row stride k).
public func pairwiseSquaredDistances(
    x: UnsafePointer<Float>, n: Int, c: UnsafePointer<Float>, k: Int, d: Int,
    xNorms: UnsafePointer<Float>, cNorms: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>
) {
    if n == 0 || k == 0 { return }
    if k <= narrowDotLimit {
        // A few centres (k-means++ candidates, herding's target): one streaming pass over x.
        ThreadPool.forRanges(n, minChunk: 64) { rows in
            for i in rows {
                let row = out + i * k
                narrowDots(x + i * d, c: c, k: k, d: d, out: row)
                for j in 0..<k { row[j] = max(0, xNorms[i] - 2 * row[j] + cNorms[j]) }
            }
        }
        return
    }
    forEachDistanceBlock(n) { lo, hi in
        let m = hi - lo
        let block = out + lo * k
        // block[m, k] = x[lo..<hi] · cᵀ, then the norms turn dot products into distances.
        sgemm(transA: false, transB: true, m: m, n: k, k: d, alpha: -2, a: x + lo * d, lda: d,
              b: c, ldb: d, beta: 0, c: block, ldc: k)
        for r in 0..<m {
            let xn = xNorms[lo + r]
            let row = block + r * k
            for j in 0..<k { row[j] = max(0, row[j] + xn + cNorms[j]) }
        }
    }
}

/// For each row of x, the index of the nearest row of c (lowest index on ties) and the squared
/// distance to it, max(0, ||x_i||² + ||c_j||² − 2 x_i·c_j).
///
/// x: [n, d], c: [k, d] with k >= 1, xNorms: [n], cNorms: [k], labels and distances: [n].
public func nearestRows(
    x: UnsafePointer<Float>, n: Int, c: UnsafePointer<Float>, k: Int, d: Int,
    xNorms: UnsafePointer<Float>, cNorms: UnsafePointer<Float>,
    labels: UnsafeMutablePointer<Int>, distances: UnsafeMutablePointer<Float>
) {
    precondition(k >= 1, "nearestRows: no rows to compare with")
    if n == 0 { return }
    forEachDistanceBlock(n) { lo, hi in
        let m = hi - lo
        // A block of −2 x·cᵀ stays in cache while its rows are scanned.
        let block = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
        defer { block.deallocate() }
        sgemm(transA: false, transB: true, m: m, n: k, k: d, alpha: -2, a: x + lo * d, lda: d,
              b: c, ldb: d, beta: 0, c: block, ldc: k)
        for r in 0..<m {
            let row = block + r * k
            // ||x_i||² is the same for every j, so it joins only the winner.
            var best = 0, bestValue = row[0] + cNorms[0]
            for j in 1..<k {
                let v = row[j] + cNorms[j]
                if v < bestValue { bestValue = v; best = j }
            }
            labels[lo + r] = best
            distances[lo + r] = max(0, bestValue + xNorms[lo + r])
        }
    }
}

/// Calls `body(lo, hi)` on fixed blocks of `distanceBlockRows` rows, one pool work item per
/// block (taken by whichever thread is free, so a descheduled thread on a busy machine does not
/// hold the rest back). Each block issues its own single-threaded GEMM, so a row's sums are the
/// same for any thread count.
func forEachDistanceBlock(_ n: Int, _ body: (Int, Int) -> Void) {
    let blocks = (n + distanceBlockRows - 1) / distanceBlockRows
    ThreadPool.run(blocks) { b in
        let lo = b * distanceBlockRows
        body(lo, min(n, lo + distanceBlockRows))
    }
}

/// Up to this many centres, `pairwiseSquaredDistances` skips GEMM: packing a 256-row block
/// for a product only a few columns wide costs more than the product, and the pass is bound
/// by reading x once, which this loop does.
public let narrowDotLimit = 8

/// out[j] = row · c_j for the k <= `narrowDotLimit` rows of c [k, d], in 16-lane partial sums
/// (fixed order), up to four centres per pass so the row is read from memory once.
@inline(__always)
func narrowDots(_ row: UnsafePointer<Float>, c: UnsafePointer<Float>, k: Int, d: Int, out: UnsafeMutablePointer<Float>) {
    let raw = UnsafeRawPointer(row)
    var j0 = 0
    while j0 < k {
        let m = min(4, k - j0)
        let c0 = UnsafeRawPointer(c + j0 * d)
        let c1 = UnsafeRawPointer(c + (j0 + min(1, m - 1)) * d)
        let c2 = UnsafeRawPointer(c + (j0 + min(2, m - 1)) * d)
        let c3 = UnsafeRawPointer(c + (j0 + min(3, m - 1)) * d)
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        var p = 0
        while p + 16 <= d {
            let off = p * MemoryLayout<Float>.stride
            let v = raw.loadUnaligned(fromByteOffset: off, as: SIMD16<Float>.self)
            a0 = a0.addingProduct(v, c0.loadUnaligned(fromByteOffset: off, as: SIMD16<Float>.self))
            a1 = a1.addingProduct(v, c1.loadUnaligned(fromByteOffset: off, as: SIMD16<Float>.self))
            a2 = a2.addingProduct(v, c2.loadUnaligned(fromByteOffset: off, as: SIMD16<Float>.self))
            a3 = a3.addingProduct(v, c3.loadUnaligned(fromByteOffset: off, as: SIMD16<Float>.self))
            p += 16
        }
        var sums = SIMD4<Float>(a0.sum(), a1.sum(), a2.sum(), a3.sum())
        while p < d {
            for q in 0..<m { sums[q] += row[p] * c[(j0 + q) * d + p] }
            p += 1
        }
        for q in 0..<m { out[j0 + q] = sums[q] }
        j0 += m
    }
}
