// Bilinear resize against its twin (up, down, identity, 1x1, prime sizes), PyTorch's
// align_corners=False values on a hand-checked case, and the adjoint identity.
import Testing
import Kernels

struct ResizeCase: Sendable, CustomStringConvertible {
    let n, c, h, w, outH, outW: Int
    var description: String { "[\(n),\(c),\(h),\(w)] -> \(outH)x\(outW)" }
}

let resizeCases: [ResizeCase] = [
    ResizeCase(n: 1, c: 1, h: 1, w: 1, outH: 1, outW: 1),
    ResizeCase(n: 1, c: 2, h: 1, w: 1, outH: 3, outW: 5),
    ResizeCase(n: 2, c: 3, h: 7, w: 5, outH: 13, outW: 11),
    ResizeCase(n: 3, c: 1, h: 28, w: 28, outH: 7, outW: 7),
    ResizeCase(n: 1, c: 5, h: 11, w: 13, outH: 11, outW: 13),
    ResizeCase(n: 2, c: 2, h: 4, w: 9, outH: 3, outW: 17),
]

@Suite("bilinear resize")
struct BilinearResizeTests {
    @Test("forward and backward equal the reference; backward is the adjoint", arguments: resizeCases)
    func matchesReference(r: ResizeCase) {
        var rng = FixtureRNG(seed: 21)
        let x = rng.array(r.n * r.c * r.h * r.w)
        let dy = rng.array(r.n * r.c * r.outH * r.outW)
        var y = [Float](repeating: .nan, count: dy.count), yRef = y
        var dx = [Float](repeating: .nan, count: x.count), dxRef = dx
        bilinearResizeForward(n: r.n, c: r.c, h: r.h, w: r.w, outH: r.outH, outW: r.outW, x: x, y: &y)
        bilinearResizeForwardReference(n: r.n, c: r.c, h: r.h, w: r.w, outH: r.outH, outW: r.outW, x: x, y: &yRef)
        bilinearResizeBackward(n: r.n, c: r.c, h: r.h, w: r.w, outH: r.outH, outW: r.outW, dy: dy, dx: &dx)
        bilinearResizeBackwardReference(n: r.n, c: r.c, h: r.h, w: r.w, outH: r.outH, outW: r.outW, dy: dy, dx: &dxRef)
        let problems = [mismatch(y, yRef), mismatch(dx, dxRef)].compactMap { $0 }
        #expect(problems.isEmpty, "\(r): \(problems)")
        #expect(relativelyClose(dot(y, dy), dot(x, dx)), "adjoint \(r)")
    }

    @Test("upsampling 2x2 to 4x4 gives PyTorch's align_corners=False values")
    func pytorchValues() {
        // F.interpolate(torch.tensor([[[[1., 2.], [3., 4.]]]]), size=(4, 4), mode="bilinear")
        var y = [Float](repeating: 0, count: 16)
        bilinearResizeForward(n: 1, c: 1, h: 2, w: 2, outH: 4, outW: 4, x: [1, 2, 3, 4], y: &y)
        let expected: [Float] = [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]
        #expect(mismatch(y, expected, tol: 1e-6) == nil)
    }

    @Test("a 3x4 to 2x7 resize gives PyTorch's values")
    func pytorchNonIntegerScale() {
        // F.interpolate(arange(12).reshape(1, 1, 3, 4), size=(2, 7), mode="bilinear"), PyTorch 2.15.
        let expected: [Float] = [1.0, 1.3571429252624512, 1.9285714626312256, 2.500000238418579, 3.0714287757873535,
                                 3.642857313156128, 4.0, 7.0, 7.357142925262451, 7.928571701049805, 8.5,
                                 9.071429252624512, 9.642857551574707, 10.0]
        var y = [Float](repeating: .nan, count: 14)
        bilinearResizeForward(n: 1, c: 1, h: 3, w: 4, outH: 2, outW: 7, x: (0..<12).map { Float($0) }, y: &y)
        #expect(mismatch(y, expected, tol: 1e-6) == nil, "\(y)")
    }
}
