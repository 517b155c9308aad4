import Testing
import Foundation
import TestSupport
import TensorCore
@testable import Autograd

/// First-order checks of every elementwise, reduction, shape and loss rule.
@Suite struct FirstOrder {
    let a = testTensor([3, 4], seed: 1)
    let b = testTensor([3, 4], seed: 2)
    let row = testTensor([1, 4], seed: 3)
    let pos = testTensor([3, 4], seed: 4).map { Swift.abs($0) + 0.5 }

    @Test func arithmetic() throws {
        #expect(try gradCheck([a, b]) { try $0[0] + $0[1] } == nil)
        #expect(try gradCheck([a, row]) { try $0[0] - $0[1] } == nil)
        #expect(try gradCheck([a, row]) { try $0[0] * $0[1] } == nil)
        #expect(try gradCheck([a, pos]) { try $0[0] / $0[1] } == nil)
        #expect(try gradCheck([a]) { -$0[0] * 3 + 1 } == nil)
    }

    @Test func unary() throws {
        #expect(try gradCheck([a]) { $0[0].exp() } == nil)
        #expect(try gradCheck([pos]) { $0[0].log() } == nil)
        #expect(try gradCheck([pos]) { $0[0].sqrt() } == nil)
        #expect(try gradCheck([pos]) { $0[0].pow(3) } == nil)
        #expect(try gradCheck([a]) { $0[0].sigmoid() } == nil)
        #expect(try gradCheck([a]) { $0[0].tanh() } == nil)
        #expect(try gradCheck([pos]) { $0[0].relu() } == nil)
        #expect(try gradCheck([pos]) { try $0[0].swish() } == nil)
        #expect(try gradCheck([a], eps: 1e-3) { $0[0].leakyRelu(0.2) } == nil)
    }

    @Test func reductions() throws {
        #expect(try gradCheck([a]) { try $0[0].sum(axes: [1]) } == nil)
        #expect(try gradCheck([a]) { try $0[0].mean(axes: [0], keepDims: true) } == nil)
        #expect(try gradCheck([a]) { try $0[0].variance(axes: [1]) } == nil)
        #expect(try gradCheck([a]) { try $0[0].max(axes: [1]) } == nil)
        #expect(try gradCheck([a]) { try $0[0].norm() } == nil)
        #expect(try gradCheck([row]) { try $0[0].expand(to: [3, 4]) } == nil)
    }

    @Test func shapes() throws {
        let x = testTensor([2, 3, 4], seed: 5)
        #expect(try gradCheck([x]) { try $0[0].reshape([6, 4]) } == nil)
        #expect(try gradCheck([x]) { try $0[0].permute([2, 0, 1]) } == nil)
        #expect(try gradCheck([x]) { try $0[0].slice(axis: 2, 1..<4, step: 2) } == nil)
        #expect(try gradCheck([x]) { try $0[0].padded([(0, 0), (1, 2)]) } == nil)
        #expect(try gradCheck([x]) { try $0[0].indexSelect([1, 0, 1]) } == nil)
        #expect(try gradCheck([a, b]) { try Variable.concat([$0[0], $0[1]], axis: 1) } == nil)
        #expect(try gradCheck([a, b]) { try Variable.stack([$0[0], $0[1]], axis: 1) } == nil)
    }

    @Test func matmulAllTransposes() throws {
        let m = testTensor([3, 5], seed: 6), n = testTensor([5, 2], seed: 7)
        let mt = try m.transposed(), nt = try n.transposed()
        #expect(try gradCheck([m, n]) { try $0[0].matmul($0[1]) } == nil)
        #expect(try gradCheck([mt, n]) { try $0[0].matmul($0[1], transposeA: true) } == nil)
        #expect(try gradCheck([m, nt]) { try $0[0].matmul($0[1], transposeB: true) } == nil)
        #expect(try gradCheck([mt, nt]) { try $0[0].matmul($0[1], transposeA: true, transposeB: true) } == nil)
        let batched = testTensor([2, 3, 5], seed: 8)
        #expect(try gradCheck([batched, n]) { try $0[0].matmul($0[1]) } == nil)
    }

    @Test func losses() throws {
        #expect(try gradCheck([a]) { try $0[0].logSoftmax(axis: 1) } == nil)
        #expect(try gradCheck([a]) { try $0[0].crossEntropy(labels: [0, 3, 2]) } == nil)
        #expect(try gradCheck([a, b]) { try $0[0].mse($0[1]) } == nil)
    }

    @Test func unusedInputGetsZeros() throws {
        let x = Variable(a, requiresGrad: true), y = Variable(b, requiresGrad: true)
        let g = try gradients(of: try x.sum(), wrt: [x, y])
        #expect(g[1].value.data.allSatisfy { $0 == 0 })
        #expect(g[0].value.data.allSatisfy { $0 == 1 })
    }

    @Test func noGradModeRecordsNothing() throws {
        let x = Variable(a, requiresGrad: true)
        let y = try GradMode.withoutGrad { try (x * x).sum() }
        #expect(!y.requiresGrad)
        #expect(y.opName == "leaf")
    }

    @Test func badInputThrows() throws {
        let x = Variable(a, requiresGrad: true)
        #expect(throws: TensorError.self) { try gradients(of: x, wrt: [x]) }
        #expect(throws: TensorError.self) { try x + Variable(testTensor([5], seed: 1)) }
        #expect(throws: TensorError.self) { try x.crossEntropy(labels: [0, 9, 1]) }
    }

    @Test func deepChainDoesNotOverflowTheStack() throws {
        let x = Variable(Tensor(scalar: 1), requiresGrad: true)
        var y = x
        for _ in 0..<20_000 { y = y * 1.0001 }
        let g = try gradients(of: y, wrt: [x])[0].value.data[0]
        #expect(abs(g - Float(pow(1.0001, 20_000.0))) < 1e-2)
    }
}

/// Second-order checks (Hessian-vector products through double backward).
@Suite struct SecondOrder {
    @Test func linearAndMatmul() throws {
        let w = testTensor([4, 3], seed: 11), x = testTensor([5, 4], seed: 12)
        #expect(try hessianCheck([x, w]) { try $0[0].matmul($0[1]).tanh() } == nil)
    }

    @Test func reluAndSoftmaxCrossEntropy() throws {
        let w = testTensor([4, 3], seed: 13), x = testTensor([5, 4], seed: 14)
        #expect(try hessianCheck([x, w], eps: 1e-3) {
            try $0[0].matmul($0[1]).relu().crossEntropy(labels: [0, 1, 2, 1, 0])
        } == nil)
    }

    @Test func normalisationStatistics() throws {
        let x = testTensor([2, 6], seed: 15)
        #expect(try hessianCheck([x]) {
            let m = try $0[0].mean(axes: [1], keepDims: true)
            let v = try $0[0].variance(axes: [1], keepDims: true)
            return try ($0[0] - m) / (v + 1e-5).sqrt()
        } == nil)
    }

    @Test func gradientMatchingShape() throws {
        // The DC pattern: distance between a gradient on real data and one on synthetic data,
        // differentiated with respect to the synthetic data.
        let w0 = testTensor([4, 3], seed: 16)
        let real = testTensor([6, 4], seed: 17), syn = Variable(testTensor([3, 4], seed: 18), requiresGrad: true)
        let w = Variable(w0, requiresGrad: true)
        let gReal = try gradients(of: try real.asVariable.matmul(w).crossEntropy(labels: [0, 1, 2, 0, 1, 2]), wrt: [w])[0].detached()
        func distance(_ s: Variable) throws -> Variable {
            let wv = Variable(w0, requiresGrad: true)
            let gSyn = try gradients(of: try s.matmul(wv).crossEntropy(labels: [0, 1, 2]), wrt: [wv], createGraph: true)[0]
            return try (gSyn - gReal).pow(2).sum()
        }
        let d = try distance(syn)
        let gs = try gradients(of: d, wrt: [syn])[0]
        let numeric = try numericalGradientCheck(syn.value) { try distance(Variable($0)).value.data[0] }
        #expect(closenessFailure(gs.value.data, numeric, atol: 2e-3, rtol: 3e-2) == nil)
    }
}

extension Tensor {
    var asVariable: Variable { Variable(self) }
}

func numericalGradientCheck(_ x: Tensor, eps: Float = 1e-2, _ f: (Tensor) throws -> Float) throws -> [Float] {
    var out = [Float](repeating: 0, count: x.count)
    for i in 0..<x.count {
        var p = x, m = x
        p.withUnsafeMutableValues { $0[i] += eps }
        m.withUnsafeMutableValues { $0[i] -= eps }
        out[i] = Float((Double(try f(p)) - Double(try f(m))) / (2 * Double(eps)))
    }
    return out
}
