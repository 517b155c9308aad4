// Local response normalisation across channels (Krizhevsky, Sutskever & Hinton, "ImageNet
// Classification with Deep Convolutional Neural Networks", NIPS 2012), as PyTorch's
// LocalResponseNorm. Composed of elementary ops, so derivatives of every order are exact; no
// fused kernel. The plain-loop twin `localResponseNormReference` is what tests compare against.
import TensorCore
#if canImport(Glibc)
import Glibc
#endif

extension Variable {
    /// LRN of x [n, c, h, w]: b_c = a_c / (k + alpha / size · Σ a_c'²)^beta, the sum over
    /// c' = c - size/2 ... c + (size - 1)/2; channels outside [0, c) count as zero and the sum
    /// is divided by `size` however many channels are in range (PyTorch's convention).
    ///
    ///     let y = try x.localResponseNorm(size: 4, alpha: 0.001 / 9, beta: 0.75, k: 1)
    public func localResponseNorm(size: Int, alpha: Float, beta: Float, k: Float) throws -> Variable {
        try Tensor.checkLocalResponseNorm(shape, size: size, alpha: alpha, beta: beta, k: k)
        let c = shape[1]
        // Squares padded with zero channels, then `size` shifted slices summed: output channel
        // i sees padded channels i ..< i + size, i.e. input channels i - size/2 ... i + (size-1)/2.
        let squares = try (self * self).padded([(0, 0), (size / 2, (size - 1) / 2)])
        var window = try squares.slice(axis: 1, 0..<c)
        for j in 1..<size { window = try window + squares.slice(axis: 1, j..<(j + c)) }
        return try self * (window * (alpha / Float(size)) + k).pow(-beta)
    }
}

extension Tensor {
    /// Plain-loop twin of `Variable.localResponseNorm`: one output element at a time, straight
    /// from the definition, sums in Double.
    public func localResponseNormReference(size: Int, alpha: Float, beta: Float, k: Float) throws -> Tensor {
        try Tensor.checkLocalResponseNorm(shape, size: size, alpha: alpha, beta: beta, k: k)
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        var out = [Float](repeating: 0, count: count)
        for i in 0..<n {
            for ch in 0..<c {
                for p in 0..<(h * w) {
                    var sum = 0.0
                    for other in (ch - size / 2)...(ch + (size - 1) / 2) where other >= 0 && other < c {
                        let a = Double(data[(i * c + other) * h * w + p])
                        sum += a * a
                    }
                    let at = (i * c + ch) * h * w + p
                    let scale = power(Double(k) + Double(alpha) / Double(size) * sum, Double(beta))
                    out[at] = Float(Double(data[at]) / scale)
                }
            }
        }
        return Tensor(unchecked: shape, data: out)
    }

    /// Shape and settings LRN accepts: a [n, c, h, w] input, size >= 1, finite alpha, beta, k
    /// with k > 0 (so the base of the power stays positive).
    static func checkLocalResponseNorm(_ s: [Int], size: Int, alpha: Float, beta: Float, k: Float) throws {
        guard s.count == 4 else { throw TensorError("local_response_norm: input must be [n, c, h, w], got \(s.shapeText)") }
        guard size >= 1 else { throw TensorError("local_response_norm: size must be at least 1, got \(size)") }
        guard alpha >= 0, alpha.isFinite, beta.isFinite, k > 0, k.isFinite else {
            throw TensorError("local_response_norm: needs alpha >= 0, k > 0 and a finite beta, got alpha \(alpha), beta \(beta), k \(k)")
        }
    }
}

/// Double `pow`, out of reach of `Tensor.pow` inside the extension.
private func power(_ base: Double, _ exponent: Double) -> Double { pow(base, exponent) }
