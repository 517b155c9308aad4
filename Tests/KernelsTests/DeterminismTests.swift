// Bit-identical results for any thread count: every kernel run with ThreadPool.width 1 and 2 in
// one serialized suite (the width is process-wide, so nothing else may change it meanwhile).
import Testing
@testable import Kernels

@Suite("same bits for any thread count", .serialized)
struct DeterminismTests {
    /// Runs `body` with widths 1 and 2 and returns both results.
    private func bothWidths<R>(_ body: () -> R) -> (R, R) {
        (withPoolWidth(1, body), withPoolWidth(2, body))
    }

    @Test("convolution forward, backward input and backward weight", arguments: [
        Conv2dGeometry(batch: 37, inChannels: 3, height: 9, width: 9, outChannels: 8, kernelH: 3, kernelW: 3, padding: 1),
        Conv2dGeometry(batch: 37, inChannels: 16, height: 9, width: 9, outChannels: 17, kernelH: 3, kernelW: 3, padding: 1),
        Conv2dGeometry(batch: 5, inChannels: 4, height: 12, width: 12, outChannels: 6, kernelH: 3, kernelW: 3, stride: 2, padding: 1),
        Conv2dGeometry(batch: 1, inChannels: 2, height: 28, width: 28, outChannels: 4, kernelH: 3, kernelW: 3, padding: 3),
    ])
    func conv(g: Conv2dGeometry) {
        let f = ConvFixture(g, seed: 41)
        let (y1, y2) = bothWidths { f.forward(withBias: true) { conv2dForward($0, x: $1, weight: $2, bias: $3, y: $4) } }
        let (dx1, dx2) = bothWidths { f.backwardInput { conv2dBackwardInput($0, dy: $1, weight: $2, dx: $3) } }
        let (w1, w2) = bothWidths { f.backwardWeight { conv2dBackwardWeight($0, x: $1, dy: $2, dweight: $3, dbias: $4) } }
        #expect(y1 == y2)
        #expect(dx1 == dx2)
        #expect(w1.dw == w2.dw)
        #expect(w1.db == w2.db)
        // The chunking itself must not depend on the width either.
        #expect(withPoolWidth(1) { WeightGradientChunking(g).chunkCount } == withPoolWidth(2) { WeightGradientChunking(g).chunkCount })
    }

    @Test("pooling, resize and grid sampling")
    func others() {
        var rng = FixtureRNG(seed: 42)
        let pg = Pool2dGeometry(batch: 7, channels: 5, height: 11, width: 11, kernel: 3, stride: 2, padding: 1)
        let x = rng.array(7 * 5 * 11 * 11)
        let dy = rng.array(7 * 5 * pg.outHeight * pg.outWidth)
        let (a1, a2) = bothWidths { () -> [Float] in
            var y = [Float](repeating: 0, count: dy.count)
            var dx = [Float](repeating: 0, count: x.count)
            avgPool2dForward(pg, x: x, y: &y)
            avgPool2dBackward(pg, dy: dy, dx: &dx)
            return y + dx
        }
        #expect(a1 == a2)
        let (r1, r2) = bothWidths { () -> [Float] in
            var y = [Float](repeating: 0, count: 7 * 5 * 17 * 17)
            var dx = [Float](repeating: 0, count: x.count)
            bilinearResizeForward(n: 7, c: 5, h: 11, w: 11, outH: 17, outW: 17, x: x, y: &y)
            bilinearResizeBackward(n: 7, c: 5, h: 11, w: 11, outH: 17, outW: 17, dy: y, dx: &dx)
            return dx
        }
        #expect(r1 == r2)
        let theta = thetas(7, seed: 43)
        let (s1, s2) = bothWidths { () -> [Float] in
            var y = [Float](repeating: 0, count: x.count)
            var dx = [Float](repeating: 0, count: x.count)
            affineGridSampleForward(n: 7, c: 5, h: 11, w: 11, theta: theta, x: x, y: &y)
            affineGridSampleBackward(n: 7, c: 5, h: 11, w: 11, theta: theta, dy: y, dx: &dx)
            return y + dx
        }
        #expect(s1 == s2)
    }
}
