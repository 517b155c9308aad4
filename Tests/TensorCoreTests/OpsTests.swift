import Testing
import TestSupport
import Kernels
@testable import TensorCore

/// Reference twin of broadcasting binary ops: index arithmetic per element, no merging.
func referenceBroadcast(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) throws -> Tensor {
    let s = try broadcastShape(a.shape, b.shape, op: "ref")
    let n = s.reduce(1, *)
    var out = [Float](repeating: 0, count: n)
    for flat in 0..<n {
        var rem = flat
        var idx = [Int](repeating: 0, count: s.count)
        for ax in stride(from: s.count - 1, through: 0, by: -1) { idx[ax] = rem % s[ax]; rem /= s[ax] }
        func pick(_ t: Tensor) -> Float {
            let off = s.count - t.rank
            var o = 0
            for ax in 0..<t.rank { o = o * t.shape[ax] + (t.shape[ax] == 1 ? 0 : idx[ax + off]) }
            return t.data[o]
        }
        out[flat] = f(pick(a), pick(b))
    }
    return Tensor(unchecked: s, data: out)
}

@Suite struct ElementwiseOps {
    static let shapePairs: [([Int], [Int])] = [
        ([3, 4], [3, 4]), ([3, 4], [4]), ([3, 1], [1, 4]), ([2, 3, 5], [3, 1]), ([1], [7, 1, 3]),
        ([2, 1, 3, 1], [1, 5, 1, 4]), ([4, 3, 33, 17], [4, 1, 1, 1]), ([], [2, 2]), ([0, 3], [3]),
        ([64, 8, 130], [64, 8, 130]), ([7, 8, 130], [1, 8, 1]),
    ]

    @Test(arguments: shapePairs) func broadcastingMatchesReference(_ sa: [Int], _ sb: [Int]) throws {
        let a = testTensor(sa, seed: 1), b = testTensor(sb, seed: 2)
        #expect(closenessFailure(try a + b, try referenceBroadcast(a, b, +), atol: 0, rtol: 0) == nil)
        #expect(closenessFailure(try a * b, try referenceBroadcast(a, b, *), atol: 0, rtol: 0) == nil)
        #expect(closenessFailure(try b - a, try referenceBroadcast(b, a, -), atol: 0, rtol: 0) == nil)
    }

    @Test func incompatibleShapesThrowNamingBoth() {
        #expect(throws: TensorError("add: shapes [3, 4] and [5] cannot be broadcast together")) {
            try testTensor([3, 4], seed: 1) + testTensor([5], seed: 1)
        }
    }

    /// ReLU's one-pass backward gives the bits of `g * step(x)`, signed zeros and NaN included.
    @Test func positiveGateEqualsProductWithStep() throws {
        let g = try Tensor(shape: [3, 40], data: (0..<120).map { i in i == 7 ? .nan : Float(i % 11) - 5.5 })
        let x = try Tensor(shape: [3, 40], data: (0..<120).map { i in i == 9 ? .nan : Float((i * 7) % 13) - 6 })
        let fused = try g.gated(byPositive: x), product = try g * x.greater(0)
        #expect(fused.data.map(\.bitPattern) == product.data.map(\.bitPattern))
        #expect(throws: TensorError.self) { try g.gated(byPositive: x.reshaped([120])) }
    }

    @Test func unaryValues() throws {
        let x = try Tensor(shape: [4], data: [-2, -0.5, 0, 3])
        #expect(x.relu().data == [0, 0, 0, 3])
        #expect(x.leakyRelu(0.1).data == [-0.2, -0.05, 0, 3])
        #expect(x.clamp(min: -1, max: 1).data == [-1, -0.5, 0, 1])
        #expect(x.abs().data == [2, 0.5, 0, 3])
        #expect(x.greater(0).data == [0, 0, 0, 1])
        #expect(closenessFailure(x.sigmoid().data, [0.11920292, 0.37754067, 0.5, 0.95257413]) == nil)
        let w = try Tensor.where(x.greater(0), x, Tensor(scalar: 9))
        #expect(w.data == [9, 9, 9, 3])
    }

    @Test func largeInputsUseThreadsAndAgree() throws {
        let a = testTensor([300_001], seed: 3), b = testTensor([300_001], seed: 4)
        let c = try a * b
        for i in stride(from: 0, to: a.count, by: 997) { #expect(c.data[i] == a.data[i] * b.data[i]) }
    }
}

@Suite struct ReductionOps {
    func referenceSum(_ x: Tensor, axes: [Int]) -> [Double] {
        let s = x.shape
        let outShape = s.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        var out = [Double](repeating: 0, count: outShape.reduce(1, *))
        for flat in 0..<x.count {
            var rem = flat, o = 0, mul = 1
            var idx = [Int](repeating: 0, count: s.count)
            for ax in stride(from: s.count - 1, through: 0, by: -1) { idx[ax] = rem % s[ax]; rem /= s[ax] }
            for ax in stride(from: s.count - 1, through: 0, by: -1) {
                o += (axes.contains(ax) ? 0 : idx[ax]) * mul
                mul *= outShape[ax]
            }
            out[o] += Double(x.data[flat])
        }
        return out
    }

    @Test(arguments: [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2]])
    func sumMatchesReference(_ axes: [Int]) throws {
        let x = testTensor([5, 7, 33], seed: 9)
        let got = try x.sum(axes: axes, keepDims: true)
        #expect(closenessFailure(got.data, referenceSum(x, axes: axes).map(Float.init), atol: 1e-5) == nil)
    }

    /// The bias-gradient sum ([0, 2, 3], and other leading + trailing blocks) runs without a
    /// permuted copy but must give the permuted copy's bits, below and above one chunk.
    @Test(arguments: [([3, 5, 4, 8], [0, 2, 3]), ([70, 2, 16, 16], [0, 2, 3]), ([2, 3, 4, 2, 16], [0, 1, 3, 4]),
                      ([4, 6, 32], [0, 2]), ([3, 5, 7], [0, 2])])
    func outerAxesSumMatchesPermutedSum(_ shape: [Int], _ axes: [Int]) throws {
        let x = testTensor(shape, seed: 10)
        let kept = (0..<shape.count).filter { !axes.contains($0) }
        let viaCopy = try x.permuted(kept + axes).reshaped([kept.map { shape[$0] }.reduce(1, *), -1]).sum(axes: [1])
        let got = try x.sum(axes: axes)
        #expect(got.data.map(\.bitPattern) == viaCopy.data.map(\.bitPattern))
        #expect(closenessFailure(got.data, referenceSum(x, axes: axes).map(Float.init), atol: 1e-4) == nil)
    }

    @Test func meanVarMaxArgmax() throws {
        let x = try Tensor(shape: [2, 3], data: [1, 5, 3, -1, -2, 7])
        #expect(try x.mean(axes: [1]).data == [3, 4 / 3])
        #expect(try x.max(axes: [1]).data == [5, 7])
        #expect(try x.min(axes: [0]).data == [-1, -2, 3])
        #expect(try x.argmax(axis: 1).data == [1, 2])
        #expect(closenessFailure(try x.variance(axes: [1]).data, [8.0 / 3, 146.0 / 9]) == nil)
        #expect(closenessFailure(try x.norm().data, [Float(89).squareRoot()]) == nil)
        #expect(try x.sum(axes: [-1]).shape == [2])
        #expect(try x.sum(to: [1, 3]).data == [0, 3, 10])
    }

    @Test func badAxesThrow() {
        let x = testTensor([2, 3], seed: 1)
        #expect(throws: TensorError.self) { try x.sum(axes: [2]) }
        #expect(throws: TensorError.self) { try x.sum(axes: [0, 0]) }
        #expect(throws: TensorError.self) { try x.mean(axes: [0]).sum(to: [5]) }
    }
}

@Suite(.serialized) struct Determinism {
    @Test func sumIsBitIdenticalForAnyThreadCount() throws {
        let x = testTensor([3_000_007], seed: 21)  // 17 x 176,471
        let old = ThreadPool.width
        defer { ThreadPool.width = old }
        ThreadPool.width = 1
        let one = try x.sum().data[0]
        let rows1 = try x.reshaped([17, -1]).sum(axes: [1]).data
        ThreadPool.width = 2
        let two = try x.sum().data[0]
        let rows2 = try x.reshaped([17, -1]).sum(axes: [1]).data
        #expect(one.bitPattern == two.bitPattern)
        #expect(rows1 == rows2)
        // Chunked Float sum stays close to the Double sum.
        let exact = x.data.reduce(0.0) { $0 + Double($1) }
        #expect(abs(Double(one) - exact) < 1e-2)
    }
}

@Suite struct ShapeOps {
    @Test func permuteTransposeSlice() throws {
        let x = try Tensor.arange(0, 24).reshaped([2, 3, 4])
        let p = try x.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        #expect(try p.element(at: [3, 1, 2]) == (try x.element(at: [1, 2, 3])))
        #expect(try x.transposed().shape == [2, 4, 3])
        let s = try x.slice(axis: 2, 1..<4, step: 2)
        #expect(s.data == [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23])
        #expect(try s.unslice(axis: 2, size: 4, 1..<4, step: 2).sum().data == s.sum().data)
        #expect(throws: TensorError.self) { try x.slice(axis: 1, 0..<5) }
        #expect(throws: TensorError.self) { try x.permuted([0, 0, 1]) }
    }

    @Test func concatStackPadSelect() throws {
        let a = try Tensor(shape: [2, 2], data: [1, 2, 3, 4]), b = try Tensor(shape: [2, 1], data: [5, 6])
        #expect(try Tensor.concat([a, b], axis: 1).data == [1, 2, 5, 3, 4, 6])
        #expect(try Tensor.stack([a, a], axis: 0).shape == [2, 2, 2])
        #expect(try a.padded([(1, 0), (0, 1)]).data == [0, 0, 0, 1, 2, 0, 3, 4, 0])
        #expect(try a.padded([(0, 0), (1, 1)], value: -1).data == [-1, 1, 2, -1, -1, 3, 4, -1])
        #expect(try a.indexSelect([1, 1, 0]).data == [3, 4, 3, 4, 1, 2])
        #expect(try a.indexSelect([1, 1]).indexAdd([1, 0], rows: 2).data == [3, 4, 3, 4])
        #expect(throws: TensorError.self) { try Tensor.concat([a, b], axis: 0) }
        #expect(throws: TensorError.self) { try a.indexSelect([2]) }
    }

    @Test func matmulMatchesReferenceAndBroadcastsBatches() throws {
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 1, 13), (64, 65, 3)] {
            let a = testTensor([m, k], seed: 1), b = testTensor([k, n], seed: 2)
            var ref = [Float](repeating: 0, count: m * n)
            a.data.withUnsafeBufferPointer { pa in b.data.withUnsafeBufferPointer { pb in ref.withUnsafeMutableBufferPointer { pc in
                sgemmReference(transA: false, transB: false, m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
            } } }
            #expect(closenessFailure(try a.matmul(b).data, ref) == nil)
            #expect(closenessFailure(try a.transposed().matmul(b, transposeA: true).data, ref) == nil)
        }
        let batched = try testTensor([4, 3, 5], seed: 3).matmul(testTensor([5, 2], seed: 4))
        #expect(batched.shape == [4, 3, 2])
        #expect(throws: TensorError.self) { try testTensor([3, 5], seed: 1).matmul(testTensor([4, 2], seed: 1)) }
    }

    @Test func softmaxAndCrossEntropy() throws {
        let logits = try Tensor(shape: [2, 3], data: [1, 2, 3, 1000, 0, -1000])
        let sm = try logits.softmax(axis: 1)
        #expect(closenessFailure(sm.data, [0.09003057, 0.24472847, 0.66524096, 1, 0, 0]) == nil)
        let ce = try logits.crossEntropy(labels: [2, 0])
        #expect(abs(ce - 0.40760596 / 2) < 1e-5)
        #expect(throws: TensorError.self) { try logits.crossEntropy(labels: [3, 0]) }
    }
}
