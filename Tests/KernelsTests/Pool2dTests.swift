// Fast pooling kernels against their twins on odd and edge shapes, plus PyTorch's conventions
// (padding in the average's divisor, first maximum wins) on hand-made inputs.
import Testing
import Kernels

let poolGeometries: [Pool2dGeometry] = [
    Pool2dGeometry(batch: 1, channels: 1, height: 1, width: 1, kernel: 1, stride: 1),
    Pool2dGeometry(batch: 2, channels: 3, height: 8, width: 8, kernel: 2, stride: 2),
    Pool2dGeometry(batch: 1, channels: 5, height: 7, width: 11, kernel: 2, stride: 2),
    Pool2dGeometry(batch: 3, channels: 17, height: 13, width: 5, kernel: 3, stride: 2, padding: 1),
    Pool2dGeometry(batch: 2, channels: 2, height: 9, width: 9, kernel: 3, stride: 1, padding: 1),
    Pool2dGeometry(batch: 1, channels: 3, height: 5, width: 6, kernel: 4, stride: 3, padding: 2),
    Pool2dGeometry(batch: 2, channels: 1, height: 2, width: 3, kernel: 2, stride: 1),
    Pool2dGeometry(batch: 2, channels: 3, height: 5, width: 4, kernel: 2, stride: 2),
    Pool2dGeometry(batch: 1, channels: 2, height: 6, width: 9, kernel: 2, stride: 2),
    // AlexCifarNet's two pools (3x3, stride 2, padding 1): 32 -> 16 -> 8, and odd and tiny sizes.
    Pool2dGeometry(batch: 2, channels: 4, height: 32, width: 32, kernel: 3, stride: 2, padding: 1),
    Pool2dGeometry(batch: 1, channels: 3, height: 16, width: 16, kernel: 3, stride: 2, padding: 1),
    Pool2dGeometry(batch: 1, channels: 2, height: 1, width: 2, kernel: 3, stride: 2, padding: 1),
]

private func run(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    var out = [Float](repeating: .nan, count: count)
    out.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    return out
}

private func maxForward(_ g: Pool2dGeometry, _ x: [Float], reference: Bool) -> ([Float], [Int32]) {
    let count = g.batch * g.channels * g.outHeight * g.outWidth
    var y = [Float](repeating: .nan, count: count)
    var idx = [Int32](repeating: -1, count: count)
    y.withUnsafeMutableBufferPointer { yp in idx.withUnsafeMutableBufferPointer { ip in
        if reference {
            maxPool2dForwardReference(g, x: x, y: yp.baseAddress!, indices: ip.baseAddress!)
        } else {
            maxPool2dForward(g, x: x, y: yp.baseAddress!, indices: ip.baseAddress!)
        }
    } }
    return (y, idx)
}

@Suite("pooling kernels")
struct Pool2dTests {
    @Test("average pooling forward and backward equal the reference", arguments: poolGeometries)
    func average(g: Pool2dGeometry) {
        var rng = FixtureRNG(seed: 11)
        let x = rng.array(g.batch * g.channels * g.height * g.width)
        let dy = rng.array(g.batch * g.channels * g.outHeight * g.outWidth)
        let y = run(dy.count) { avgPool2dForward(g, x: x, y: $0) }
        let yRef = run(dy.count) { avgPool2dForwardReference(g, x: x, y: $0) }
        let dx = run(x.count) { avgPool2dBackward(g, dy: dy, dx: $0) }
        let dxRef = run(x.count) { avgPool2dBackwardReference(g, dy: dy, dx: $0) }
        let problems = [mismatch(y, yRef), mismatch(dx, dxRef)].compactMap { $0 }
        #expect(problems.isEmpty, "\(g): \(problems)")
        #expect(relativelyClose(dot(y, dy), dot(x, dx)), "adjoint \(g)")
    }

    @Test("max pooling forward, indices and backward equal the reference", arguments: poolGeometries)
    func maximum(g: Pool2dGeometry) {
        var rng = FixtureRNG(seed: 12)
        // Coarse values make ties common, so the first-maximum rule is exercised.
        let x = rng.array(g.batch * g.channels * g.height * g.width).map { ($0 * 3).rounded() }
        let dy = rng.array(g.batch * g.channels * g.outHeight * g.outWidth)
        let (y, idx) = maxForward(g, x, reference: false)
        let (yRef, idxRef) = maxForward(g, x, reference: true)
        #expect(y == yRef, "\(g)")
        #expect(idx == idxRef, "\(g)")
        let dx = run(x.count) { maxPool2dBackward(g, dy: dy, indices: idx, dx: $0) }
        let dxRef = run(x.count) { maxPool2dBackwardReference(g, dy: dy, indices: idx, dx: $0) }
        #expect(mismatch(dx, dxRef, tol: 1e-6) == nil, "\(g)")
    }

    @Test("average pooling counts padding in the divisor, as PyTorch does")
    func paddingCounts() {
        let g = Pool2dGeometry(batch: 1, channels: 1, height: 2, width: 2, kernel: 2, stride: 2, padding: 1)
        let y = run(4) { avgPool2dForward(g, x: [1, 2, 3, 4], y: $0) }
        #expect(y == [0.25, 0.5, 0.75, 1])
    }

    @Test("max pooling picks the first maximum and reports its plane offset")
    func firstMaximum() {
        let g = Pool2dGeometry(batch: 1, channels: 1, height: 2, width: 4, kernel: 2, stride: 2)
        let (y, idx) = maxForward(g, [5, 5, 1, 2, 5, 0, 3, 3], reference: false)
        #expect(y == [5, 3])
        #expect(idx == [0, 6])
    }
}
