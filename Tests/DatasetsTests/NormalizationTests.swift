// Byte-to-float conversion against its reference twin (odd shapes, several thread counts),
// normalise/denormalise round trips and measured statistics.
import Kernels
import Testing
import TensorCore
import TestSupport
import Datasets

@Suite(.serialized) struct NormalizationTests {
    @Test(arguments: [(1, 1, 1), (3, 1, 7), (257, 3, 5), (1000, 1, 13), (600, 3, 1)])
    func convertMatchesReference(n: Int, c: Int, plane: Int) {
        let norm = Normalization(mean: Array([0.1, 0.5, 0.9].prefix(c)), std: Array([0.2, 0.3, 0.7].prefix(c)))
        // Records with a 2-byte label before each image, as in CIFAR-100.
        let record = 2 + c * plane
        let bytes = Fixture.pixels(count: n, size: record, salt: n + c)
        let reference = norm.convertReference(bytes: bytes, count: n, plane: plane) { $0 * record + 2 }
        let saved = ThreadPool.width
        defer { ThreadPool.width = saved }
        for width in [1, 2, 3] {
            ThreadPool.width = width
            let fast = bytes.withUnsafeBufferPointer { norm.convert(bytes: $0, count: n, plane: plane) { $0 * record + 2 } }
            #expect(fast == reference, "width \(width)")
        }
    }

    @Test func normalizeRoundTrip() throws {
        let norm = Normalization(mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.2010])
        let x = testTensor([2, 3, 2, 3], seed: 5)
        let y = try norm.normalized(x)
        #expect(abs(y.data[6] - (x.data[6] - 0.4822) / 0.1994) < 1e-6)   // channel 1 of image 0
        #expect(closenessFailure(try norm.denormalized(y), x, atol: 1e-6) == nil)
        #expect(throws: DataError.self) { try norm.normalized(testTensor([2, 1, 2, 2], seed: 1)) }
    }

    @Test func measuredStatistics() throws {
        // Channel 0 holds 0 and 1 equally (mean 0.5, std 0.5); channel 1 is constant (std -> 1).
        let x = Tensor(unchecked: [2, 2, 1, 2], data: [0, 1, 0.25, 0.25, 1, 0, 0.25, 0.25])
        let m = try Normalization.measured(pixels01: x)
        #expect(m.mean == [0.5, 0.25])
        #expect(m.std == [0.5, 1])
        #expect(throws: DataError.self) { try Normalization.measured(pixels01: Tensor(unchecked: [0, 1, 2, 2], data: [])) }
    }
}
