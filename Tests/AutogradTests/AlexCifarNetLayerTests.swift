// The two layers AlexCifarNet adds: local response normalisation (composite against its
// plain-loop twin, PyTorch's window and divisor on a hand-worked case) and max pooling with
// minus-infinity padding (against a plain loop that pads literally); first and second order.
import Testing
import TestSupport
import TensorCore
@testable import Autograd

@Suite struct LocalResponseNorm {
    @Test(arguments: [
        ([2, 7, 3, 4], 4), ([1, 3, 2, 2], 4), ([1, 1, 3, 1], 4), ([2, 5, 2, 3], 1), ([1, 6, 2, 2], 2),
        ([2, 9, 1, 2], 3), ([1, 4, 3, 3], 5), ([1, 2, 2, 2], 7),
    ])
    func compositeEqualsReference(shape: [Int], size: Int) throws {
        let x = testTensor(shape, seed: 61).map { $0 * 3 }
        for (alpha, beta, k) in [(Float(0.001 / 9.0), Float(0.75), Float(1)), (0.8, 0.75, 1), (2, 1.5, 0.5)] {
            let fast = try Variable(x).localResponseNorm(size: size, alpha: alpha, beta: beta, k: k).value
            let ref = try x.localResponseNormReference(size: size, alpha: alpha, beta: beta, k: k)
            #expect(closenessFailure(fast, ref, atol: 1e-6, rtol: 1e-5) == nil, "\(shape) size \(size) alpha \(alpha)")
        }
    }

    @Test func windowIsCMinus2ToCPlus1AndTheSumIsDividedBySize() throws {
        // Channels 1, 2, 3, 4 at one pixel; alpha / size = 1, beta 1, k 1: b_c = a_c / (1 + window sum).
        let x = try Tensor(shape: [1, 4, 1, 1], data: [1, 2, 3, 4])
        let want: [Float] = [1.0 / (1 + 1 + 4), 2.0 / (1 + 1 + 4 + 9), 3.0 / (1 + 1 + 4 + 9 + 16), 4.0 / (1 + 4 + 9 + 16)]
        let fast = try Variable(x).localResponseNorm(size: 4, alpha: 4, beta: 1, k: 1).value
        let ref = try x.localResponseNormReference(size: 4, alpha: 4, beta: 1, k: 1)
        #expect(closenessFailure(fast.data, want, atol: 1e-7, rtol: 1e-6) == nil)
        #expect(closenessFailure(ref.data, want, atol: 1e-7, rtol: 1e-6) == nil)
    }

    @Test func firstAndSecondOrder() throws {
        let x = testTensor([2, 5, 3, 2], seed: 62)
        #expect(try gradCheck([x]) { try $0[0].localResponseNorm(size: 4, alpha: 0.9, beta: 0.75, k: 1) } == nil)
        #expect(try gradCheck([x]) { try $0[0].localResponseNorm(size: 3, alpha: 2, beta: 1.5, k: 0.5) } == nil)
        #expect(try hessianCheck([x]) { try $0[0].localResponseNorm(size: 4, alpha: 0.9, beta: 0.75, k: 1) } == nil)
        #expect(try hessianCheck([x]) { try $0[0].localResponseNorm(size: 4, alpha: Float(0.001 / 9.0), beta: 0.75, k: 1).tanh() } == nil)
    }

    @Test func badSettingsThrow() {
        let x = Variable(testTensor([1, 3, 2, 2], seed: 63))
        #expect(throws: TensorError("local_response_norm: input must be [n, c, h, w], got [3, 4]")) {
            try Variable(testTensor([3, 4], seed: 1)).localResponseNorm(size: 4, alpha: 1, beta: 0.75, k: 1)
        }
        #expect(throws: TensorError("local_response_norm: size must be at least 1, got 0")) {
            try x.localResponseNorm(size: 0, alpha: 1, beta: 0.75, k: 1)
        }
        #expect(throws: TensorError.self) { try x.localResponseNorm(size: 4, alpha: 1, beta: 0.75, k: 0) }
        #expect(throws: TensorError.self) { try x.value.localResponseNormReference(size: 4, alpha: .nan, beta: 0.75, k: 1) }
    }
}

/// Max pooling of x [n, c, h, w] over an explicitly padded copy filled with minus infinity.
private func paddedMaxPoolReference(_ x: Tensor, kernel k: Int, stride s: Int, padding p: Int) -> Tensor {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (ph, pw) = (h + 2 * p, w + 2 * p)
    let (oh, ow) = ((ph - k) / s + 1, (pw - k) / s + 1)
    var out: [Float] = []
    for plane in 0..<(n * c) {
        var padded = [Float](repeating: -.infinity, count: ph * pw)
        for y in 0..<h { for x0 in 0..<w { padded[(y + p) * pw + x0 + p] = x.data[plane * h * w + y * w + x0] } }
        for oy in 0..<oh {
            for ox in 0..<ow {
                var best = -Float.infinity
                for i in 0..<k { for j in 0..<k { best = max(best, padded[(oy * s + i) * pw + ox * s + j]) } }
                out.append(best)
            }
        }
    }
    return Tensor(unchecked: [n, c, oh, ow], data: out)
}

@Suite struct PaddedMaxPool {
    @Test(arguments: [[2, 3, 32, 32], [1, 4, 16, 16], [2, 2, 7, 5], [1, 1, 1, 1], [1, 2, 2, 3], [1, 1, 8, 9]])
    func equalsLiterallyPaddedReference(shape: [Int]) throws {
        // All values negative: a padding that counted as zero would win every border window.
        let x = testTensor(shape, seed: 64).map { -Swift.abs($0) - 0.5 }
        let (y, _) = try x.maxPool2d(kernel: 3, stride: 2, padding: 1)
        let want = paddedMaxPoolReference(x, kernel: 3, stride: 2, padding: 1)
        #expect(y.shape == want.shape)
        #expect(y.shape[2] == (shape[2] + 2 - 3) / 2 + 1 && y.shape[3] == (shape[3] + 2 - 3) / 2 + 1)
        #expect(y.data == want.data, "\(shape)")
        #expect(try Variable(x).maxPool2d(kernel: 3, stride: 2, padding: 1).value == y)
    }

    @Test func halvesAlexCifarNetSizes() throws {
        let x = testTensor([1, 1, 32, 32], seed: 65)
        let (a, _) = try x.maxPool2d(kernel: 3, stride: 2, padding: 1)
        let (b, _) = try a.maxPool2d(kernel: 3, stride: 2, padding: 1)
        #expect(a.shape == [1, 1, 16, 16] && b.shape == [1, 1, 8, 8])
    }

    @Test func firstAndSecondOrder() throws {
        // Values at least 0.05 apart, so no window holds a near-tie that a difference step of
        // 1e-3 could flip (max pooling is not differentiable at ties).
        let shape = [2, 2, 5, 6]
        let order = testData(shape.reduce(1, *), seed: 66).enumerated().sorted { $0.element < $1.element }.map(\.offset)
        var ranks = [Float](repeating: 0, count: order.count)
        for (rank, i) in order.enumerated() { ranks[i] = Float(rank) * 0.05 - 3 }
        let x = Tensor(unchecked: shape, data: ranks)
        let first = try gradCheck([x], eps: 1e-3) { try $0[0].maxPool2d(kernel: 3, stride: 2, padding: 1) }
        #expect(first == nil, "\(first ?? "")")
        // The backward (plane scatter) under createGraph: its gradient is a plane gather.
        #expect(try hessianCheck([x], eps: 1e-3) { try $0[0].maxPool2d(kernel: 3, stride: 2, padding: 1).sigmoid() } == nil)
        #expect(try hessianCheck([x], eps: 1e-3) { v in
            let p = try v[0].maxPool2d(kernel: 3, stride: 2, padding: 1)
            return try (p * p).sum()
        } == nil)
    }

    @Test func paddingLargerThanHalfTheKernelThrows() {
        #expect(throws: TensorError("max_pool2d: invalid kernel 3, stride 2, padding 2")) {
            try Variable(testTensor([1, 1, 4, 4], seed: 1)).maxPool2d(kernel: 3, stride: 2, padding: 2)
        }
    }
}
