// ZCA whitening (as kornia's ZCAWhitening, used by MTT for CIFAR): fitted on a train split,
// x ↦ (x − μ) U diag(1/√(λ + ε)) Uᵀ, and its exact inverse for pictures. The symmetric
// eigen-decomposition (LAPACK, with a plain Jacobi twin for tests) is in ZCA+Eigen.swift.
import CBLAS
import Kernels
import TensorCore

/// A fitted ZCA transform of flattened images.
///
///     let zca = try ZCA.fit(pixels01, eps: 0.1)
///     let white = try zca.whiten(pixels01)
///     let back = try zca.unwhiten(white)        // ≈ pixels01
public struct ZCA: Sendable, Equatable {
    public let eps: Float
    /// Per-feature mean, D = c·h·w.
    public let mean: [Float]
    /// Whitening and colouring (inverse) matrices, D × D, symmetric, row-major.
    public let whitening: [Float]
    public let coloring: [Float]
    /// Image shape [c, h, w] the transform was fitted for.
    public let imageShape: [Int]

    public var dimension: Int { mean.count }

    /// A transform from its parts (an exported set's); sizes must agree (D = c·h·w, D × D).
    public init(eps: Float, mean: [Float], whitening: [Float], coloring: [Float], imageShape: [Int]) throws {
        let d = imageShape.reduce(1, *)
        guard imageShape.count == 3, mean.count == d, whitening.count == d * d, coloring.count == d * d else {
            throw DataError("zca: a mean of \(mean.count) and matrices of \(whitening.count) and \(coloring.count) values do not fit images \(imageShape.shapeText)")
        }
        self.eps = eps
        self.mean = mean
        self.whitening = whitening
        self.coloring = coloring
        self.imageShape = imageShape
    }

    /// Fits on images [N, c, h, w] (N ≥ 2): unbiased covariance, eigen-decomposition,
    /// eigenvalues shifted by `eps` (kornia's default 0.1 for MTT).
    public static func fit(_ images: Tensor, eps: Float = 0.1) throws -> ZCA {
        guard images.rank == 4, images.shape[0] >= 2 else {
            throw DataError("zca: needs images [N, c, h, w] with N >= 2, got \(images.shape.shapeText)")
        }
        guard eps > 0, eps.isFinite else { throw DataError("zca: eps must be positive, got \(eps)") }
        let n = images.shape[0], d = images.count / n
        var mean = [Double](repeating: 0, count: d)
        images.data.withUnsafeBufferPointer { x in
            for i in 0..<n { for j in 0..<d { mean[j] += Double(x[i * d + j]) } }
        }
        let mu = mean.map { Float($0 / Double(n)) }
        var centered = images.data
        for i in 0..<n { for j in 0..<d { centered[i * d + j] -= mu[j] } }
        var cov = [Float](repeating: 0, count: d * d)
        centered.withUnsafeBufferPointer { x in
            cov.withUnsafeMutableBufferPointer { c in
                configureBLAS()
                cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(n), 1 / Float(n - 1),
                            x.baseAddress, Int32(d), 0, c.baseAddress, Int32(d))
            }
        }
        for i in 0..<d { for j in 0..<i { cov[i * d + j] = cov[j * d + i] } }
        let (values, vectors) = try symmetricEigen(cov, n: d)
        let inverseRoot = values.map { 1 / (Swift.max($0, 0) + eps).squareRoot() }
        let root = values.map { (Swift.max($0, 0) + eps).squareRoot() }
        return ZCA(unchecked: eps, mean: mu, whitening: scaledProduct(vectors, inverseRoot, n: d),
                   coloring: scaledProduct(vectors, root, n: d), imageShape: Array(images.shape.dropFirst()))
    }

    private init(unchecked eps: Float, mean: [Float], whitening: [Float], coloring: [Float], imageShape: [Int]) {
        self.eps = eps
        self.mean = mean
        self.whitening = whitening
        self.coloring = coloring
        self.imageShape = imageShape
    }

    /// U diag(s) Uᵀ for eigenvectors in the columns of row-major U.
    static func scaledProduct(_ u: [Float], _ s: [Float], n: Int) -> [Float] {
        var us = u
        for i in 0..<n { for j in 0..<n { us[i * n + j] *= s[j] } }
        return product(us, u, m: n, n: n, k: n, transB: true)
    }

    /// a [m, k] times b [k, n] (or bᵀ for b [n, k] when `transB`), row-major, on the pool.
    static func product(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transB: Bool) -> [Float] {
        var out = [Float](repeating: 0, count: m * n)
        guard m > 0, n > 0 else { return out }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { c in
                    sgemmParallel(transA: false, transB: transB, m: m, n: n, k: k, a: pa.baseAddress!, lda: k,
                                  b: pb.baseAddress!, ldb: transB ? k : n, c: c.baseAddress!, ldc: n)
                }
            }
        }
        return out
    }

    /// Whitened images (same shape).
    public func whiten(_ images: Tensor) throws -> Tensor {
        try check(images, op: "whiten")
        var x = images.data
        let n = images.shape[0]
        for i in 0..<n { for j in 0..<dimension { x[i * dimension + j] -= mean[j] } }
        return Tensor(unchecked: images.shape, data: multiply(x, rows: n, by: whitening))
    }

    /// The images `whiten` was given back, from whitened ones (same shape).
    public func unwhiten(_ images: Tensor) throws -> Tensor {
        try check(images, op: "unwhiten")
        let n = images.shape[0]
        var x = multiply(images.data, rows: n, by: coloring)
        for i in 0..<n { for j in 0..<dimension { x[i * dimension + j] += mean[j] } }
        return Tensor(unchecked: images.shape, data: x)
    }

    private func check(_ images: Tensor, op: String) throws {
        guard images.rank == 4, Array(images.shape.dropFirst()) == imageShape else {
            throw DataError("zca \(op): expected images [N, \(imageShape.map(String.init).joined(separator: ", "))], got \(images.shape.shapeText)")
        }
    }

    /// rows × D times the symmetric D × D matrix m.
    private func multiply(_ x: [Float], rows: Int, by m: [Float]) -> [Float] {
        ZCA.product(x, m, m: rows, n: dimension, k: dimension, transB: false)
    }
}
