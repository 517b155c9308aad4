// Affine grid sampling against its twin for identity, scale, rotation, shift and flip matrices on
// odd shapes, the identity matrix reproducing its input, and the adjoint identity.
import Foundation
import Testing
import Kernels

struct GridCase: Sendable, CustomStringConvertible {
    let n, c, h, w: Int
    var description: String { "[\(n),\(c),\(h),\(w)]" }
}

let gridCases: [GridCase] = [
    GridCase(n: 1, c: 1, h: 1, w: 1),
    GridCase(n: 2, c: 3, h: 7, w: 5),
    GridCase(n: 3, c: 1, h: 13, w: 13),
    GridCase(n: 1, c: 2, h: 1, w: 9),
    GridCase(n: 5, c: 3, h: 8, w: 11),
]

/// One matrix per image, cycling through the kinds DSA uses (and a shift that leaves the image).
func thetas(_ n: Int, seed: UInt64) -> [Float] {
    var rng = FixtureRNG(seed: seed)
    var out: [Float] = []
    for b in 0..<n {
        switch b % 5 {
        case 0: out += [1, 0, 0, 0, 1, 0]
        case 1: out += [1 + 0.2 * rng.uniform(), 0, 0, 0, 1 + 0.2 * rng.uniform(), 0]
        case 2:
            let a = Float.pi / 12 * rng.uniform()
            out += [cos(a), sin(-a), 0, sin(a), cos(a), 0]
        case 3: out += [1, 0, 0.7, 0, 1, -0.4]
        default: out += [-1, 0, 0, 0, 1, 0]
        }
    }
    return out
}

@Suite("affine grid sampling")
struct AffineGridSampleTests {
    @Test("forward and backward equal the reference; backward is the adjoint", arguments: gridCases)
    func matchesReference(g: GridCase) {
        var rng = FixtureRNG(seed: 31)
        let count = g.n * g.c * g.h * g.w
        let x = rng.array(count), dy = rng.array(count)
        let theta = thetas(g.n, seed: 32)
        var y = [Float](repeating: .nan, count: count), yRef = y, dx = y, dxRef = y
        affineGridSampleForward(n: g.n, c: g.c, h: g.h, w: g.w, theta: theta, x: x, y: &y)
        affineGridSampleForwardReference(n: g.n, c: g.c, h: g.h, w: g.w, theta: theta, x: x, y: &yRef)
        affineGridSampleBackward(n: g.n, c: g.c, h: g.h, w: g.w, theta: theta, dy: dy, dx: &dx)
        affineGridSampleBackwardReference(n: g.n, c: g.c, h: g.h, w: g.w, theta: theta, dy: dy, dx: &dxRef)
        let problems = [mismatch(y, yRef), mismatch(dx, dxRef)].compactMap { $0 }
        #expect(problems.isEmpty, "\(g): \(problems)")
        #expect(relativelyClose(dot(y, dy), dot(x, dx)), "adjoint \(g)")
    }

    @Test("the identity matrix reproduces the input and a flip mirrors it")
    func identityAndFlip() {
        var rng = FixtureRNG(seed: 33)
        let x = rng.array(2 * 6 * 7)
        var y = [Float](repeating: .nan, count: x.count)
        affineGridSampleForward(n: 1, c: 2, h: 6, w: 7, theta: [1, 0, 0, 0, 1, 0], x: x, y: &y)
        #expect(mismatch(y, x, tol: 1e-5) == nil)
        affineGridSampleForward(n: 1, c: 2, h: 6, w: 7, theta: [-1, 0, 0, 0, 1, 0], x: x, y: &y)
        let mirrored = (0..<x.count).map { (i: Int) -> Float in
            let column = i % 7
            return x[i - column + 6 - column]
        }
        #expect(mismatch(y, mirrored, tol: 1e-5) == nil)
    }

    @Test("points outside the image read zeros")
    func zeroPadding() {
        var y = [Float](repeating: .nan, count: 4)
        affineGridSampleForward(n: 1, c: 1, h: 2, w: 2, theta: [1, 0, 5, 0, 1, 0], x: [1, 2, 3, 4], y: &y)
        #expect(y == [0, 0, 0, 0])
    }

    @Test("a scaled rotation gives PyTorch's values")
    func pytorchValues() {
        // theta below, x = arange(12).reshape(1, 1, 3, 4); values printed by PyTorch 2.15:
        // F.grid_sample(x, F.affine_grid(theta, x.shape, align_corners=True), align_corners=True)
        let theta: [Float] = [0.9910657405853271, -0.4338837265968323, 0.2, 0.4338837265968323, 0.810871958732605, -0.1]
        let expected: [Float] = [0.6318041682243347, 1.8467742204666138, 3.8813817501068115, 0.31863901019096375,
                                 2.1778664588928223, 4.325955390930176, 6.474043846130371, 5.9465813636779785,
                                 3.3844070434570312, 6.9186177253723145, 9.066707611083984, 9.096182823181152]
        var y = [Float](repeating: .nan, count: 12)
        affineGridSampleForward(n: 1, c: 1, h: 3, w: 4, theta: theta, x: (0..<12).map { Float($0) }, y: &y)
        #expect(mismatch(y, expected, tol: 1e-5) == nil, "\(y)")
    }
}
