// Single-precision matrix multiply: OpenBLAS's cblas_sgemm, and the plain triple loop that
// tests compare it with. Row-major throughout.
import CBLAS

/// C[m, n] = alpha * op(A) op(B) + beta * C, row-major; op transposes when asked.
/// A is [m, k] (or [k, m] when `transA`), B is [k, n] (or [n, k] when `transB`).
@inlinable
public func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
        return
    }
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Reference twin of `sgemm`: a plain loop in Double, for tests.
public func sgemmReference(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                let av = transA ? a[p * lda + i] : a[i * lda + p]
                let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                s += Double(av) * Double(bv)
            }
            let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
            c[i * ldc + j] = Float(Double(alpha) * s + old)
        }
    }
}

/// Sets the number of threads OpenBLAS itself may use (our own pool calls it from one thread).
public func setBLASThreads(_ n: Int) {
    openblas_set_num_threads(Int32(max(1, n)))
}

/// The number of threads OpenBLAS currently uses for one call.
public var blasThreads: Int { Int(openblas_get_num_threads()) }

/// Runs `body` with OpenBLAS limited to one thread, then restores the previous count. Kernels
/// that issue GEMMs from several pool tasks at once use it so the two levels of threading do
/// not oversubscribe the cores. Call it from one thread at a time (it changes a global setting).
public func withSingleThreadedBLAS<R>(_ body: () throws -> R) rethrows -> R {
    let old = openblas_get_num_threads()
    if old == 1 { return try body() }
    openblas_set_num_threads(1)
    defer { openblas_set_num_threads(old) }
    return try body()
}
