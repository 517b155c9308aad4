import Testing
import TestSupport
import TensorCore
@testable import Autograd

/// Convolution, pooling and resampling rules: first and second order.
@Suite struct ConvGradients {
    let x = testTensor([2, 3, 5, 6], seed: 31)
    let w = testTensor([4, 3, 3, 3], seed: 32)
    let b = testTensor([4], seed: 33)

    @Test func conv2dFirstOrder() throws {
        #expect(try gradCheck([x, w, b]) { try $0[0].conv2d($0[1], bias: $0[2], padding: 1) } == nil)
        #expect(try gradCheck([x, w]) { try $0[0].conv2d($0[1], stride: 2) } == nil)
    }

    @Test func conv2dSecondOrder() throws {
        #expect(try hessianCheck([x, w]) { try $0[0].conv2d($0[1], padding: 1).tanh() } == nil)
        #expect(try hessianCheck([x, w]) { try $0[0].conv2d($0[1], stride: 2, padding: 1).sigmoid() } == nil)
    }

    @Test func adjointOpsFirstOrder() throws {
        let dy = testTensor([2, 4, 5, 6], seed: 34)
        #expect(try gradCheck([dy, w]) {
            try Variable.conv2dBackwardInput($0[0], weight: $0[1], inputShape: [2, 3, 5, 6], stride: 1, padding: 1)
        } == nil)
        #expect(try gradCheck([x, dy]) {
            try Variable.conv2dBackwardWeight(input: $0[0], dy: $0[1], weightShape: [4, 3, 3, 3], stride: 1, padding: 1)
        } == nil)
    }

    @Test func poolingAndResampling() throws {
        let y = testTensor([2, 2, 6, 6], seed: 35)
        #expect(try gradCheck([y]) { try $0[0].avgPool2d(kernel: 2) } == nil)
        #expect(try gradCheck([y], eps: 1e-3) { try $0[0].maxPool2d(kernel: 2) } == nil)
        #expect(try gradCheck([y]) { try $0[0].resizeBilinear(height: 9, width: 4) } == nil)
        let theta = try Tensor(shape: [2, 2, 3], data: [0.9, 0.2, 0.1, -0.15, 1.1, 0.05, 1, 0, 0.3, 0, 1, -0.2])
        #expect(try gradCheck([y]) { try $0[0].affineGridSample(theta: theta) } == nil)
    }

    @Test func poolingSecondOrder() throws {
        let y = testTensor([1, 2, 4, 4], seed: 36)
        #expect(try hessianCheck([y]) { try $0[0].avgPool2d(kernel: 2).tanh() } == nil)
        #expect(try hessianCheck([y], eps: 1e-3) { try $0[0].maxPool2d(kernel: 2).sigmoid() } == nil)
    }

    @Test func twoLayerConvNetSecondOrder() throws {
        // conv -> instance-norm statistics -> relu -> pool -> conv -> linear -> cross-entropy:
        // the whole DC gradient-matching path, through double backward.
        let img = testTensor([2, 1, 6, 6], seed: 37)
        let w1 = testTensor([3, 1, 3, 3], seed: 38), w2 = testTensor([2, 3, 3, 3], seed: 39)
        let lin = testTensor([3, 18], seed: 40)
        #expect(try hessianCheck([img, w1, w2, lin], eps: 1e-2, atol: 1e-2, rtol: 8e-2) { v in
            var h = try v[0].conv2d(v[1], padding: 1)
            let m = try h.mean(axes: [2, 3], keepDims: true)
            let c = try h - m
            h = try (c / ((c * c).mean(axes: [2, 3], keepDims: true) + 1e-5).sqrt()).sigmoid()
            h = try h.avgPool2d(kernel: 2).conv2d(v[2], padding: 1).sigmoid()
            return try h.flattenBatch().matmul(v[3], transposeB: true).crossEntropy(labels: [0, 2])
        } == nil)
    }

    @Test func shapeErrorsNameTheOp() {
        let vx = Variable(x), vw = Variable(testTensor([4, 2, 3, 3], seed: 1))
        #expect(throws: TensorError("conv2d: input has 3 channels but weight [4, 2, 3, 3] expects 2")) { try vx.conv2d(vw) }
        #expect(throws: TensorError.self) { try Variable(testTensor([3, 5], seed: 1)).avgPool2d(kernel: 2) }
        #expect(throws: TensorError.self) { try vx.maxPool2d(kernel: 9) }
    }
}

@Suite struct FusedGroupNorm {
    let x = testTensor([3, 4, 5, 3], seed: 41)
    let w = testTensor([4], seed: 42).map { $0 + 1.5 }
    let b = testTensor([4], seed: 43)

    @Test(arguments: [1, 2, 4]) func matchesCompositeForwardAndBackward(_ groups: Int) throws {
        let xv = Variable(x, requiresGrad: true), wv = Variable(w, requiresGrad: true), bv = Variable(b, requiresGrad: true)
        let fused = try Variable.groupNorm(xv, groups: groups, weight: wv, bias: bv)
        let comp = try Variable.groupNormComposite(xv, groups: groups, weight: wv, bias: bv)
        #expect(closenessFailure(fused.value, comp.value, atol: 1e-5) == nil)
        let seed = testTensor(x.shape, seed: 44)
        let gf = try gradients(of: fused, wrt: [xv, wv, bv], seed: seed)
        let gc = try gradients(of: comp, wrt: [xv, wv, bv], seed: seed)
        for (a, e) in zip(gf, gc) { #expect(closenessFailure(a.value, e.value, atol: 1e-4) == nil) }
    }

    @Test func kernelMatchesReference() throws {
        let geo = GroupNormGeometryProxy.make(batch: 3, channels: 4, spatial: 15, groups: 2)
        let (fast, ref) = try geo.run(x: x, gamma: w, beta: b)
        #expect(closenessFailure(fast, ref, atol: 1e-5) == nil)
    }

    @Test func firstAndSecondOrder() throws {
        #expect(try gradCheck([x, w, b]) { try Variable.groupNorm($0[0], groups: 4, weight: $0[1], bias: $0[2]) } == nil)
        #expect(try hessianCheck([x, w]) { try Variable.groupNorm($0[0], groups: 2, weight: $0[1], bias: nil).tanh() } == nil)
        #expect(throws: TensorError.self) { try Variable.groupNorm(Variable(x), groups: 3, weight: nil, bias: nil) }
    }
}

import Kernels

enum GroupNormGeometryProxy {
    struct Runner {
        let geo: GroupNormGeometry
        func run(x: Tensor, gamma: Tensor, beta: Tensor) throws -> ([Float], [Float]) {
            var y = [Float](repeating: 0, count: x.count), r = y
            var m = [Float](repeating: 0, count: geo.batch * geo.groups), s = m
            x.data.withUnsafeBufferPointer { xp in gamma.data.withUnsafeBufferPointer { gp in beta.data.withUnsafeBufferPointer { bp in
                groupNormForward(geo, x: xp.baseAddress!, gamma: gp.baseAddress!, beta: bp.baseAddress!, eps: 1e-5, y: &y, mean: &m, rstd: &s)
                groupNormForwardReference(geo, x: xp.baseAddress!, gamma: gp.baseAddress!, beta: bp.baseAddress!, eps: 1e-5, y: &r)
            } } }
            return (y, r)
        }
    }
    static func make(batch: Int, channels: Int, spatial: Int, groups: Int) -> Runner {
        Runner(geo: GroupNormGeometry(batch: batch, channels: channels, spatial: spatial, groups: groups))
    }
}
