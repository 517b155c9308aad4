// Writing a tensor's elements from outside TensorCore: in place, never resized, copy-on-write.
// Imports TensorCore without @testable, so it sees what other modules see (`data` is read-only).
import Testing
import TensorCore

@Suite("writing a tensor's elements")
struct TensorValuesTests {
    private func address(_ t: inout Tensor) -> UInt {
        t.withUnsafeMutableValues { UInt(bitPattern: $0.baseAddress) }
    }

    @Test func elementWritesLandInPlace() throws {
        var x = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let sum = x.withUnsafeMutableValues { v -> Float in
            for j in v.indices { v[j] *= 2 }
            return v.reduce(0, +)
        }
        #expect(sum == 42)
        #expect(x.data == [2, 4, 6, 8, 10, 12])
        #expect(x.shape == [2, 3])
        // Unshared storage is written where it is: no copy per call (the optimisers rely on it).
        #expect(address(&x) == address(&x))
    }

    @Test func errorsFromTheBodyPassThrough() throws {
        struct Stop: Error {}
        var x = try Tensor.zeros([3])
        #expect(throws: Stop.self) {
            try x.withUnsafeMutableValues { v in
                v[0] = 1
                throw Stop()
            }
        }
        #expect(x.data == [1, 0, 0])
    }

    @Test func replaceValuesKeepsTheCount() throws {
        var x = try Tensor.zeros([2, 2])
        try x.replaceValues([1, 2, 3, 4])
        #expect(x.data == [1, 2, 3, 4])
        #expect(x.shape == [2, 2])
        let error = #expect(throws: TensorError.self) { try x.replaceValues([1, 2, 3]) }
        #expect(error?.description == "replace values: tensor of shape [2, 2] needs 4 elements, got 3")
        #expect(throws: TensorError.self) { try x.replaceValues([1, 2, 3, 4, 5]) }
        #expect(throws: TensorError.self) { try x.replaceValues([]) }
        #expect(x.data == [1, 2, 3, 4])
        var scalar = Tensor(scalar: 1)
        try scalar.replaceValues([7])
        #expect(scalar.scalarValue == 7)
    }

    @Test func writesThroughOneCopyLeaveTheOtherAlone() throws {
        let a = try Tensor(shape: [3], data: [1, 2, 3])
        var b = a
        b.withUnsafeMutableValues { $0[0] = 9 }
        #expect(a.data == [1, 2, 3])
        #expect(b.data == [9, 2, 3])

        var c = b
        try c.replaceValues([7, 7, 7])
        #expect(b.data == [9, 2, 3])
        #expect(c.data == [7, 7, 7])

        // The copy is made by the first write only; later writes reuse it.
        var d = a
        let first = address(&d), second = address(&d)
        #expect(first == second)
        var e = a
        #expect(address(&e) != address(&d))
        #expect(a.data == [1, 2, 3])
    }
}
