// Fast convolution kernels against their direct-loop twins on odd and edge shapes, and the
// adjoint identity between forward and backward-input. Determinism tests live in DeterminismTests.
import Testing
@testable import Kernels

/// Geometries chosen to hit the edges: 1x1 images, prime sizes, batch 1, channel counts that are
/// not multiples of the vector width, stride 2, padding 0/1/3, non-square kernels.
let convGeometries: [Conv2dGeometry] = [
    // Wide enough for the Winograd paths (forward, and backward input through the rotated kernel).
    Conv2dGeometry(batch: 3, inChannels: 17, height: 9, width: 10, outChannels: 18, kernelH: 3, kernelW: 3, padding: 1),
    Conv2dGeometry(batch: 2, inChannels: 16, height: 7, width: 5, outChannels: 16, kernelH: 3, kernelW: 3, padding: 0),
    Conv2dGeometry(batch: 1, inChannels: 20, height: 6, width: 6, outChannels: 21, kernelH: 3, kernelW: 3, padding: 2),
    Conv2dGeometry(batch: 1, inChannels: 1, height: 1, width: 1, outChannels: 1, kernelH: 1, kernelW: 1),
    Conv2dGeometry(batch: 2, inChannels: 3, height: 1, width: 1, outChannels: 5, kernelH: 3, kernelW: 3, padding: 1),
    Conv2dGeometry(batch: 3, inChannels: 3, height: 7, width: 11, outChannels: 5, kernelH: 3, kernelW: 3, padding: 1),
    Conv2dGeometry(batch: 1, inChannels: 1, height: 13, width: 13, outChannels: 17, kernelH: 3, kernelW: 3, padding: 3),
    Conv2dGeometry(batch: 2, inChannels: 5, height: 9, width: 7, outChannels: 3, kernelH: 3, kernelW: 3, stride: 2, padding: 1),
    Conv2dGeometry(batch: 2, inChannels: 17, height: 5, width: 5, outChannels: 19, kernelH: 3, kernelW: 3),
    Conv2dGeometry(batch: 3, inChannels: 6, height: 8, width: 8, outChannels: 7, kernelH: 1, kernelW: 1),
    Conv2dGeometry(batch: 2, inChannels: 4, height: 10, width: 6, outChannels: 3, kernelH: 2, kernelW: 5, stride: 3, padding: 2),
    Conv2dGeometry(batch: 5, inChannels: 2, height: 6, width: 6, outChannels: 33, kernelH: 3, kernelW: 3, stride: 1, padding: 1),
    Conv2dGeometry(batch: 17, inChannels: 3, height: 4, width: 4, outChannels: 2, kernelH: 3, kernelW: 3, padding: 1),
    Conv2dGeometry(batch: 2, inChannels: 3, height: 3, width: 3, outChannels: 2, kernelH: 5, kernelW: 5, padding: 1),
]

/// Random input, weight, bias and output gradient for `g`, from `seed`.
struct ConvFixture {
    let g: Conv2dGeometry
    let x, weight, bias, dy: [Float]
    init(_ g: Conv2dGeometry, seed: UInt64) {
        var rng = FixtureRNG(seed: seed)
        self.g = g
        x = rng.array(g.batch * g.inputPlaneCount)
        weight = rng.array(g.weightCount)
        bias = rng.array(g.outChannels)
        dy = rng.array(g.batch * g.outputPlaneCount)
    }

    typealias Forward = (Conv2dGeometry, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>?, UnsafeMutablePointer<Float>) -> Void
    func forward(withBias: Bool, _ f: Forward) -> [Float] {
        var y = [Float](repeating: .nan, count: g.batch * g.outputPlaneCount)
        x.withUnsafeBufferPointer { xp in weight.withUnsafeBufferPointer { wp in bias.withUnsafeBufferPointer { bp in
            y.withUnsafeMutableBufferPointer { yp in
                f(g, xp.baseAddress!, wp.baseAddress!, withBias ? bp.baseAddress! : nil, yp.baseAddress!)
            }
        } } }
        return y
    }

    typealias BackwardInput = (Conv2dGeometry, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    func backwardInput(_ f: BackwardInput) -> [Float] {
        var dx = [Float](repeating: .nan, count: g.batch * g.inputPlaneCount)
        dy.withUnsafeBufferPointer { dyp in weight.withUnsafeBufferPointer { wp in
            dx.withUnsafeMutableBufferPointer { dxp in f(g, dyp.baseAddress!, wp.baseAddress!, dxp.baseAddress!) }
        } }
        return dx
    }

    typealias BackwardWeight = (Conv2dGeometry, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>?) -> Void
    func backwardWeight(_ f: BackwardWeight) -> (dw: [Float], db: [Float]) {
        var dw = [Float](repeating: .nan, count: g.weightCount)
        var db = [Float](repeating: .nan, count: g.outChannels)
        x.withUnsafeBufferPointer { xp in dy.withUnsafeBufferPointer { dyp in
            dw.withUnsafeMutableBufferPointer { dwp in db.withUnsafeMutableBufferPointer { dbp in
                f(g, xp.baseAddress!, dyp.baseAddress!, dwp.baseAddress!, dbp.baseAddress!)
            } }
        } }
        return (dw, db)
    }
}

@Suite("conv2d kernels")
struct Conv2dTests {
    @Test("forward equals the reference", arguments: convGeometries)
    func forward(g: Conv2dGeometry) {
        let f = ConvFixture(g, seed: 1)
        for withBias in [true, false] {
            let fast = f.forward(withBias: withBias) { conv2dForward($0, x: $1, weight: $2, bias: $3, y: $4) }
            let ref = f.forward(withBias: withBias) { conv2dForwardReference($0, x: $1, weight: $2, bias: $3, y: $4) }
            let problem = mismatch(fast, ref)
            #expect(problem == nil, "\(g) bias=\(withBias): \(problem ?? "")")
        }
    }

    @Test("Winograd F(4x4,3x3) forward equals the reference", arguments:
        convGeometries.filter { $0.kernelH == 3 && $0.kernelW == 3 && $0.stride == 1 } + [
            Conv2dGeometry(batch: 3, inChannels: 19, height: 16, width: 16, outChannels: 33, kernelH: 3, kernelW: 3, padding: 1),
            Conv2dGeometry(batch: 1, inChannels: 64, height: 8, width: 8, outChannels: 16, kernelH: 3, kernelW: 3, padding: 1),
            Conv2dGeometry(batch: 2, inChannels: 16, height: 11, width: 6, outChannels: 5, kernelH: 3, kernelW: 3, padding: 2),
        ])
    func winograd(g: Conv2dGeometry) {
        let f = ConvFixture(g, seed: 7)
        for withBias in [true, false] {
            let fast = f.forward(withBias: withBias) { conv2dForwardWinograd($0, x: $1, weight: $2, bias: $3, y: $4) }
            let ref = f.forward(withBias: withBias) { conv2dForwardReference($0, x: $1, weight: $2, bias: $3, y: $4) }
            let problem = mismatch(fast, ref, tol: 2e-4)
            #expect(problem == nil, "\(g) bias=\(withBias): \(problem ?? "")")
        }
    }

    @Test("Winograd weight transform (8 pairs per vector) has the plain loop's bits",
          arguments: [(1, 1), (1, 7), (2, 4), (3, 5), (17, 18), (128, 3)])
    func winogradWeightTransform(oc: Int, c: Int) {
        var rng = FixtureRNG(seed: 14)
        let w = rng.array(oc * c * 9)
        var fast = [Float](repeating: .nan, count: 36 * oc * c), plain = fast
        fast.withUnsafeMutableBufferPointer { winogradTransformWeights(oc: oc, c: c, weight: w, u: $0.baseAddress!) }
        plain.withUnsafeMutableBufferPointer { winogradTransformWeightsReference(oc: oc, c: c, weight: w, u: $0.baseAddress!) }
        #expect(fast.map(\.bitPattern) == plain.map(\.bitPattern), "oc \(oc) c \(c)")
    }

    @Test("backward input equals the reference", arguments: convGeometries)
    func backwardInput(g: Conv2dGeometry) {
        let f = ConvFixture(g, seed: 2)
        let fast = f.backwardInput { conv2dBackwardInput($0, dy: $1, weight: $2, dx: $3) }
        let ref = f.backwardInput { conv2dBackwardInputReference($0, dy: $1, weight: $2, dx: $3) }
        let problem = mismatch(fast, ref)
        #expect(problem == nil, "\(g): \(problem ?? "")")
    }

    @Test("backward weight and bias equal the reference", arguments: convGeometries)
    func backwardWeight(g: Conv2dGeometry) {
        let f = ConvFixture(g, seed: 3)
        let fast = f.backwardWeight { conv2dBackwardWeight($0, x: $1, dy: $2, dweight: $3, dbias: $4) }
        let ref = f.backwardWeight { conv2dBackwardWeightReference($0, x: $1, dy: $2, dweight: $3, dbias: $4) }
        let problems = [mismatch(fast.dw, ref.dw), mismatch(fast.db, ref.db)].compactMap { $0 }
        #expect(problems.isEmpty, "\(g): \(problems)")
    }

    @Test("backward weight without a bias leaves the weight gradient unchanged")
    func backwardWeightWithoutBias() {
        let g = convGeometries[2]
        let f = ConvFixture(g, seed: 4)
        let with = f.backwardWeight { conv2dBackwardWeight($0, x: $1, dy: $2, dweight: $3, dbias: $4) }
        let without = f.backwardWeight { g, x, dy, dw, _ in conv2dBackwardWeight(g, x: x, dy: dy, dweight: dw, dbias: nil) }
        #expect(with.dw == without.dw)
        #expect(without.db.allSatisfy { $0.isNaN })
    }

    @Test("backward input is the adjoint of forward: <conv x, dy> == <x, conv^T dy>", arguments: convGeometries)
    func adjoint(g: Conv2dGeometry) {
        let f = ConvFixture(g, seed: 5)
        let y = f.forward(withBias: false) { conv2dForward($0, x: $1, weight: $2, bias: $3, y: $4) }
        let dx = f.backwardInput { conv2dBackwardInput($0, dy: $1, weight: $2, dx: $3) }
        let lhs = dot(y, f.dy), rhs = dot(f.x, dx)
        #expect(relativelyClose(lhs, rhs), "\(g): \(lhs) vs \(rhs)")
    }

    @Test("an empty batch writes zero gradients")
    func emptyBatch() {
        var g = convGeometries[2]
        g.batch = 0
        let f = ConvFixture(g, seed: 6)
        let r = f.backwardWeight { conv2dBackwardWeight($0, x: $1, dy: $2, dweight: $3, dbias: $4) }
        #expect(r.dw.allSatisfy { $0 == 0 } && r.db.allSatisfy { $0 == 0 })
    }
}
