// The distance kernels (Kernels/Distance.swift) against their plain twins on odd and edge
// shapes, and the same bits for pool widths 1 and 2 for every selection fast path.
import Testing
import TestSupport
import TensorCore
import Kernels
import NeuralNet
@testable import Distillation

/// Shapes (rows, centres, features) around the 256-row block and with tiny or odd widths.
let distanceShapes: [(Int, Int, Int)] = [(1, 1, 1), (3, 5, 7), (256, 2, 3), (257, 3, 33), (600, 17, 129), (513, 1, 5)]

@Suite struct DistanceKernelTests {
    @Test(arguments: distanceShapes.indices)
    func pairwiseMatchesReference(_ s: Int) {
        let (n, k, d) = distanceShapes[s]
        let x = testData(n * d, seed: 1), c = testData(k * d, seed: 2)
        var fast = [Float](repeating: -1, count: n * k), slow = fast
        let xn = norms(x, n, d), cn = norms(c, k, d)
        pairwiseSquaredDistances(x: x, n: n, c: c, k: k, d: d, xNorms: xn, cNorms: cn, out: &fast)
        pairwiseSquaredDistancesReference(x: x, n: n, c: c, k: k, d: d, out: &slow)
        #expect(closenessFailure(fast, slow, atol: 1e-4 * Float(d), rtol: 1e-4) == nil)
    }

    @Test(arguments: distanceShapes.indices)
    func nearestMatchesReference(_ s: Int) {
        let (n, k, d) = distanceShapes[s]
        let x = testData(n * d, seed: 3), c = testData(k * d, seed: 4)
        var (l1, l2) = ([Int](repeating: -1, count: n), [Int](repeating: -1, count: n))
        var (d1, d2) = ([Float](repeating: -1, count: n), [Float](repeating: -1, count: n))
        nearestRows(x: x, n: n, c: c, k: k, d: d, xNorms: norms(x, n, d), cNorms: norms(c, k, d), labels: &l1, distances: &d1)
        nearestRowsReference(x: x, n: n, c: c, k: k, d: d, labels: &l2, distances: &d2)
        #expect(l1 == l2)
        #expect(closenessFailure(d1, d2, atol: 1e-4 * Float(d), rtol: 1e-4) == nil)
    }

    @Test func normsMatchDefinition() {
        let (n, d) = (7, 13)
        let x = testData(n * d, seed: 5)
        let expected = (0..<n).map { i in Float((0..<d).reduce(0.0) { $0 + Double(x[i * d + $1]) * Double(x[i * d + $1]) }) }
        #expect(closenessFailure(norms(x, n, d), expected, atol: 1e-6, rtol: 1e-6) == nil)
    }

    @Test func distancesNeverNegative() {
        // Identical rows far from the origin: the norm trick cancels to (about) zero, clamped at 0.
        let d = 64
        let row = (0..<d).map { 1000 + Float($0) }
        var out = [Float](repeating: -1, count: 4)
        let x = row + row, nn = norms(x, 2, d)
        pairwiseSquaredDistances(x: x, n: 2, c: x, k: 2, d: d, xNorms: nn, cNorms: nn, out: &out)
        #expect(out.allSatisfy { $0 >= 0 })
    }

    func norms(_ x: [Float], _ n: Int, _ d: Int) -> [Float] {
        var out = [Float](repeating: 0, count: n)
        rowSquaredNorms(x, n: n, d: d, norms: &out)
        return out
    }
}

/// Runs `body` with the pool at `width` threads, then restores it.
func withWidth<R>(_ width: Int, _ body: () throws -> R) rethrows -> R {
    let old = ThreadPool.width
    ThreadPool.width = width
    defer { ThreadPool.width = old }
    return try body()
}

@Suite("selection: same bits for any thread count", .serialized)
struct SelectionDeterminismTests {
    func both<R: Equatable>(_ body: () throws -> R) throws -> Bool {
        try withWidth(1, body) == withWidth(2, body)
    }

    @Test func kernels() throws {
        let (n, k, d) = (700, 9, 40)
        let x = testData(n * d, seed: 6), c = testData(k * d, seed: 7)
        var xn = [Float](repeating: 0, count: n), cn = [Float](repeating: 0, count: k)
        #expect(try both { () -> [Float] in rowSquaredNorms(x, n: n, d: d, norms: &xn); return xn })
        rowSquaredNorms(c, n: k, d: d, norms: &cn)
        #expect(try both { () -> [Float] in
            var out = [Float](repeating: 0, count: n * k)
            pairwiseSquaredDistances(x: x, n: n, c: c, k: k, d: d, xNorms: xn, cNorms: cn, out: &out)
            return out
        })
        #expect(try both { () -> [Float] in
            var labels = [Int](repeating: 0, count: n), dist = [Float](repeating: 0, count: n)
            nearestRows(x: x, n: n, c: c, k: k, d: d, xNorms: xn, cNorms: cn, labels: &labels, distances: &dist)
            return dist + labels.map(Float.init)
        })
    }

    @Test func kmeansHerdingAndKCenter() throws {
        let features = testTensor([600, 24], seed: 8)
        #expect(try both { () -> [Float] in
            var rng = SeededRNG(seed: 3)
            let r = try KMeans.fit(features, k: 12, iterations: 15, rng: &rng)
            return r.centroids.data + r.assignment.map(Float.init) + [r.inertia]
        })
        #expect(try both { try Selection.herding(features, k: 20) })
        #expect(try both { () -> [Int] in
            var rng = SeededRNG(seed: 4)
            return try Selection.kCenterGreedy(features, k: 20, rng: &rng)
        })
    }

    @Test func selectionEndToEnd() throws {
        let data = try bandDataset(classes: 3, perClass: 20)
        var mrng = SeededRNG(seed: 5)
        let net = try ModelSpec(kind: .convnet, width: 8, depth: 2).build(imageShape: data.train.imageShape, classes: 3, rng: &mrng)
        for method in Selection.Method.allCases {
            #expect(try both { () -> [Int] in
                var rng = SeededRNG(seed: 9)
                return try Selection.select(data.train, perClass: 4, method: method, model: net, rng: &rng)
            }, "method \(method)")
        }
    }
}
