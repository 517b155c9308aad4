// sgemm and sgemmParallel against the plain Double loop, on odd shapes and every transpose
// combination, and the partition that makes sgemmParallel's bits independent of the pool width.
import Testing
@testable import Kernels

@Suite("GEMM")
struct GemmTests {
    /// op(A) op(B) with A, B stored as the transposes ask, in a buffer wider than needed
    /// (leading dimensions past the logical width), by `product`.
    private func run(
        m: Int, n: Int, k: Int, transA: Bool, transB: Bool, alpha: Float = 1, beta: Float = 0, seed: UInt64,
        _ product: (Bool, Bool, Int, Int, Int, Float, UnsafePointer<Float>, Int, UnsafePointer<Float>, Int, Float, UnsafeMutablePointer<Float>, Int) -> Void
    ) -> [Float] {
        var rng = FixtureRNG(seed: seed)
        let (ar, ac) = transA ? (k, m) : (m, k)
        let (br, bc) = transB ? (n, k) : (k, n)
        let lda = ac + 3, ldb = bc + 1, ldc = n + 2
        let a = rng.array(ar * lda), b = rng.array(br * ldb)
        var c = rng.array(m * ldc)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    product(transA, transB, m, n, k, alpha, pa.baseAddress!, lda, pb.baseAddress!, ldb, beta, pc.baseAddress!, ldc)
                }
            }
        }
        return c
    }

    @Test("sgemm and sgemmParallel equal the reference", arguments: [
        (1, 1, 1), (7, 5, 3), (300, 17, 513), (17, 300, 513), (256, 256, 65), (1000, 10, 2048), (33, 700, 301),
    ])
    func matchesReference(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        for transA in [false, true] {
            for transB in [false, true] {
                let expected = run(m: m, n: n, k: k, transA: transA, transB: transB, alpha: 0.5, beta: 0.25, seed: 7) {
                    sgemmReference(transA: $0, transB: $1, m: $2, n: $3, k: $4, alpha: $5, a: $6, lda: $7, b: $8, ldb: $9, beta: $10, c: $11, ldc: $12)
                }
                let single = run(m: m, n: n, k: k, transA: transA, transB: transB, alpha: 0.5, beta: 0.25, seed: 7) {
                    sgemm(transA: $0, transB: $1, m: $2, n: $3, k: $4, alpha: $5, a: $6, lda: $7, b: $8, ldb: $9, beta: $10, c: $11, ldc: $12)
                }
                let parallel = run(m: m, n: n, k: k, transA: transA, transB: transB, alpha: 0.5, beta: 0.25, seed: 7) {
                    sgemmParallel(transA: $0, transB: $1, m: $2, n: $3, k: $4, alpha: $5, a: $6, lda: $7, b: $8, ldb: $9, beta: $10, c: $11, ldc: $12)
                }
                let tol: Float = 1e-5 * Float(k).squareRoot()
                #expect(mismatch(single, expected, tol: tol) == nil, "sgemm \(shape) transA \(transA) transB \(transB): \(mismatch(single, expected, tol: tol) ?? "")")
                #expect(mismatch(parallel, expected, tol: tol) == nil, "sgemmParallel \(shape) transA \(transA) transB \(transB): \(mismatch(parallel, expected, tol: tol) ?? "")")
            }
        }
    }

    @Test("the partition covers the output and depends on the shape only", arguments: [
        (1, 1, 1), (0, 5, 5), (5, 0, 5), (4096, 10, 2048), (10, 4096, 2048), (97, 61, 333), (256, 300, 513), (100_000, 3072, 3072),
    ])
    func partition(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let p = GemmPartition(m: m, n: n, k: k)
        let extent = p.alongRows ? m : n
        #expect(p.count <= GemmPartition.maximumBlocks)
        #expect(p.count * p.size >= extent && (p.count == 0 || (p.count - 1) * p.size < extent))
        if p.count > 1 { #expect(p.size % GemmPartition.alignment == 0) }
        // GemmPartition reads no pool state; recomputing it under another width must agree.
        #expect(withPoolWidth(1) { GemmPartition(m: m, n: n, k: k) } == withPoolWidth(3) { GemmPartition(m: m, n: n, k: k) })
    }

    @Test("OpenBLAS is single-threaded once configured")
    func singleThreadedBLAS() {
        configureBLAS()
        #expect(blasThreads == 1)
    }
}
