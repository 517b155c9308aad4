// Single-precision matrix multiply: OpenBLAS's cblas_sgemm, always single-threaded, a parallel
// form that splits the output into blocks fixed by the shape alone, and the plain triple loop
// that tests compare them with. Row-major throughout.
//
// Why OpenBLAS never threads here: its results depend on how it splits a product (measured with
// Debian's 0.3.21 on Zen and Haswell kernels: 1, 2, 3 and 4 threads, and a single-threaded call
// on half the rows, all round some sums differently), so a thread count of its own would make
// results depend on DISTILL_THREADS. Our own pool runs fixed blocks instead (`sgemmParallel`).
import CBLAS

/// Set once, before the first BLAS or LAPACK call: OpenBLAS runs every call on the calling thread.
@usableFromInline
let blasSingleThreaded: Bool = {
    openblas_set_num_threads(1)
    return true
}()

/// Makes OpenBLAS single-threaded (idempotent). `sgemm` does it itself; call it before using
/// other BLAS or LAPACK routines directly.
public func configureBLAS() { _ = blasSingleThreaded }

/// The number of threads OpenBLAS uses for one call (1 once `configureBLAS` has run).
public var blasThreads: Int { Int(openblas_get_num_threads()) }

/// The name of the CPU kernel set OpenBLAS picked (or was told to use with OPENBLAS_CORETYPE),
/// such as "Haswell" or "Zen": results are bit-identical only under the same kernels.
public var blasCoreName: String {
    guard let name = openblas_get_corename() else { return "unknown" }
    return String(cString: name)
}

/// C[m, n] = alpha * op(A) op(B) + beta * C, row-major; op transposes when asked. One
/// single-threaded OpenBLAS call, for kernels that already run on the pool.
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
    _ = blasSingleThreaded
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// How `sgemmParallel` cuts C: along its rows or its columns into `count` blocks of `size`
/// (the last may be shorter). A function of the shape alone, never of the pool width, so every
/// element of C comes from the same OpenBLAS call for any thread count.
public struct GemmPartition: Equatable, Sendable {
    public let alongRows: Bool
    public let size: Int
    public let count: Int

    /// Products below this many multiply-adds per block are not worth a pool task.
    static let minimumWork = 1 << 22
    static let maximumBlocks = 16
    /// Block edges are multiples of this, so OpenBLAS's micro-kernels see full panels.
    static let alignment = 16

    public init(m: Int, n: Int, k: Int) {
        let alongRows = m >= n
        let extent = alongRows ? m : n
        let work = Double(m) * Double(n) * Double(k)
        let wanted = min(Double(Self.maximumBlocks), (work / Double(Self.minimumWork)).rounded(.down),
                         Double(extent / Self.alignment))
        let blocks = max(1, Int(wanted))
        let size = blocks == 1 ? extent
            : ((extent + blocks - 1) / blocks + Self.alignment - 1) / Self.alignment * Self.alignment
        self.alongRows = alongRows
        self.size = max(1, size)
        self.count = extent == 0 ? 0 : (extent + self.size - 1) / self.size
    }
}

/// `sgemm` with C split into the blocks of `GemmPartition`, run on the pool: the same bits for
/// any thread count. For products issued outside the pool (`Tensor.matmul`, ZCA).
public func sgemmParallel(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    let plan = GemmPartition(m: m, n: n, k: k)
    if plan.count <= 1 {
        sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
              b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        return
    }
    ThreadPool.run(plan.count) { p in
        let lo = p * plan.size
        if plan.alongRows {
            // Rows lo..<hi of C come from rows lo..<hi of op(A).
            let rows = min(m, lo + plan.size) - lo
            let aBlock = transA ? a + lo : a + lo * lda
            sgemm(transA: transA, transB: transB, m: rows, n: n, k: k, alpha: alpha, a: aBlock, lda: lda,
                  b: b, ldb: ldb, beta: beta, c: c + lo * ldc, ldc: ldc)
        } else {
            // Columns lo..<hi of C come from columns lo..<hi of op(B).
            let cols = min(n, lo + plan.size) - lo
            let bBlock = transB ? b + lo * ldb : b + lo
            sgemm(transA: transA, transB: transB, m: m, n: cols, k: k, alpha: alpha, a: a, lda: lda,
                  b: bBlock, ldb: ldb, beta: beta, c: c + lo, ldc: ldc)
        }
    }
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
