import Testing
import TestSupport
@testable import TensorCore

@Suite struct TensorBasics {
    @Test func shapeAndData() throws {
        let x = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        #expect(x.count == 6)
        #expect(x.strides == [3, 1])
        #expect(try x.element(at: [1, 2]) == 6)
        #expect(try x.reshaped([3, -1]).shape == [3, 2])
    }

    @Test func badShapesThrow() {
        #expect(throws: TensorError.self) { try Tensor(shape: [2, 2], data: [1, 2, 3]) }
        #expect(throws: TensorError.self) { try Tensor.zeros([-1, 2]) }
        #expect(throws: TensorError.self) { try Tensor.zeros([1 << 30, 1 << 30]) }
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 3]).reshaped([4, -1]) }
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 3]).element(at: [2, 0]) }
        #expect(throws: TensorError.self) { try Tensor.arange(0, 1, step: 0) }
    }

    @Test func copyOnWrite() throws {
        let a = try Tensor.zeros([3])
        var b = a
        b.data[0] = 5
        #expect(a.data[0] == 0)
        #expect(b.data[0] == 5)
    }

    @Test func seededRandomIsReproducibleAndDocumented() throws {
        var r = SeededRNG(seed: 42)
        let first = (0..<3).map { _ in r.next() }
        var r2 = SeededRNG(seed: 42)
        #expect(first == (0..<3).map { _ in r2.next() })
        // Golden values: the generator is part of the file formats and published results.
        #expect(first[0] == goldenFirst)
        let n = try Tensor.randn([10_000], seed: 7)
        let mean = n.data.reduce(0, +) / 10_000
        let varc = n.data.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 10_000
        #expect(abs(mean) < 0.03)
        #expect(abs(varc - 1) < 0.05)
        let u = try Tensor.rand([10_000], seed: 7)
        #expect(u.data.allSatisfy { $0 >= 0 && $0 < 1 })
    }
}

/// xoshiro256** with SplitMix64 seeding, seed 42, first output (cross-checked in Python).
let goldenFirst: UInt64 = 1_546_998_764_402_558_742  // checked with an independent Python version
