// Eigen-decomposition of a symmetric matrix for ZCA: LAPACK's ssyevd (divide and conquer) and a
// plain cyclic Jacobi twin in Double that tests compare it with on small matrices.
import CBLAS
import Kernels

extension ZCA {
    /// Eigenvalues (ascending) and eigenvectors (the columns of a row-major n × n matrix) of
    /// the symmetric row-major matrix `a`.
    static func symmetricEigen(_ a: [Float], n: Int) throws -> (values: [Float], vectors: [Float]) {
        guard a.count == n * n, n >= 1 else { throw DataError("zca: a \(n) x \(n) matrix needs \(n * n) values, got \(a.count)") }
        // Symmetric, so row-major equals column-major; LAPACK returns eigenvectors as columns
        // of a column-major matrix, i.e. as rows of the row-major result.
        configureBLAS()
        var m = a
        var w = [Float](repeating: 0, count: n)
        var size = Int32(n), info: Int32 = 0
        var jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "U"))
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workQuery: Float = 0, iworkQuery: Int32 = 0
        ssyevd_(&jobz, &uplo, &size, &m, &size, &w, &workQuery, &lwork, &iworkQuery, &liwork, &info)
        guard info == 0 else { throw DataError("zca: eigen-decomposition workspace query failed (info \(info))") }
        (lwork, liwork) = workspace(n: n, queried: workQuery, queriedIntegers: iworkQuery)
        var work = [Float](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        ssyevd_(&jobz, &uplo, &size, &m, &size, &w, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0 else { throw DataError("zca: the eigen-decomposition did not converge (info \(info))") }
        var vectors = [Float](repeating: 0, count: n * n)
        for k in 0..<n { for i in 0..<n { vectors[i * n + k] = m[k * n + i] } }
        return (w, vectors)
    }

    /// Workspace sizes for ssyevd with eigenvectors: what the query returned, but never below
    /// LAPACK's documented minimum (1 + 6n + 2n² reals, 3 + 5n integers). The query reports the
    /// real count as a Float, which rounds it down once it passes 2^24 (n ≈ 2,900; CIFAR's
    /// 3,072 pixel values need 18,892,801), and ssyevd then rejects its own answer.
    static func workspace(n: Int, queried: Float, queriedIntegers: Int32) -> (reals: Int32, integers: Int32) {
        let reals = Swift.max(Int(queried.rounded(.up)), 1 + 6 * n + 2 * n * n)
        let integers = Swift.max(Int(queriedIntegers), 3 + 5 * n)
        return (Int32(reals), Int32(integers))
    }

    /// Reference twin: cyclic Jacobi rotations in Double until the off-diagonal vanishes.
    /// Same conventions as `symmetricEigen`; O(n³) per sweep, for small matrices.
    static func symmetricEigenReference(_ a: [Float], n: Int) -> (values: [Float], vectors: [Float]) {
        var m = a.map(Double.init)
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<max(p + 1, n) { off += m[p * n + q] * m[p * n + q] } }
            if off < 1e-24 { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) where m[p * n + q] != 0 {
                    let theta = (m[q * n + q] - m[p * n + p]) / (2 * m[p * n + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {  // columns p, q
                        let mkp = m[k * n + p], mkq = m[k * n + q]
                        m[k * n + p] = c * mkp - s * mkq
                        m[k * n + q] = s * mkp + c * mkq
                    }
                    for k in 0..<n {  // rows p, q
                        let mpk = m[p * n + k], mqk = m[q * n + k]
                        m[p * n + k] = c * mpk - s * mqk
                        m[q * n + k] = s * mpk + c * mqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { m[$0 * n + $0] < m[$1 * n + $1] }
        let values = order.map { Float(m[$0 * n + $0]) }
        var vectors = [Float](repeating: 0, count: n * n)
        for (k, j) in order.enumerated() { for i in 0..<n { vectors[i * n + k] = Float(v[i * n + j]) } }
        return (values, vectors)
    }
}
