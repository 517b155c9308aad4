// One named array of an exported file: a shape and little-endian Float32 or Int64 values, and
// their byte forms. Which arrays a set has is ExportedSet's business; file layouts are the codecs'.
import Datasets
import TensorCore

/// A dense array as the exchange formats store it (row-major, little-endian).
///
///     let labels = ExchangeArray(shape: [3], int64: [0, 1, 1])
///     labels.byteCount      // 24
public struct ExchangeArray: Equatable, Sendable {
    /// The element types the formats carry: `F32` / `<f4` and `I64` / `<i8`.
    public enum DType: String, Sendable, CaseIterable {
        case float32 = "F32"
        case int64 = "I64"

        /// Bytes per element.
        public var size: Int { self == .float32 ? 4 : 8 }
        /// NumPy's type string.
        public var numpy: String { self == .float32 ? "<f4" : "<i8" }
    }

    public var shape: [Int]
    public var dtype: DType
    /// The elements in little-endian byte order.
    public var bytes: [UInt8]

    public init(shape: [Int], float32 values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "ExchangeArray: shape does not match the values")
        self.shape = shape
        self.dtype = .float32
        self.bytes = values.withUnsafeBufferPointer { buffer in
            var out = [UInt8](); out.reserveCapacity(values.count * 4)
            for v in buffer { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            return out
        }
    }

    public init(shape: [Int], int64 values: [Int64]) {
        precondition(shape.reduce(1, *) == values.count, "ExchangeArray: shape does not match the values")
        self.shape = shape
        self.dtype = .int64
        var out = [UInt8](); out.reserveCapacity(values.count * 8)
        for v in values { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        self.bytes = out
    }

    /// An array from raw bytes read from `file`; the byte count must be the shape's.
    public init(shape: [Int], dtype: DType, bytes: [UInt8], file: String, name: String) throws {
        let count = try ExchangeArray.elementCount(shape, file: file, name: name)
        let (expected, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, expected == bytes.count else {
            throw DataError("\(file): array '\(name)' is \(dtype.rawValue) \(shape.shapeText) (\(overflow ? "too many" : String(expected)) bytes) but holds \(bytes.count) bytes")
        }
        self.shape = shape
        self.dtype = dtype
        self.bytes = bytes
    }

    /// A Float32 tensor.
    public init(_ tensor: Tensor) { self.init(shape: tensor.shape, float32: tensor.data) }

    /// Number of elements, checked for overflow and negative extents.
    public static func elementCount(_ shape: [Int], file: String, name: String) throws -> Int {
        var count = 1
        for d in shape {
            guard d >= 0 else { throw DataError("\(file): array '\(name)' has a negative extent in shape \(shape)") }
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw DataError("\(file): array '\(name)' has shape \(shape), too many elements") }
            count = p
        }
        return count
    }

    /// `MemoryLimit.check` worded as a data error naming the file.
    public static func checkMemory(bytes: Int, file: String, what: String) throws {
        do { try MemoryLimit.check(bytes: bytes, what: "\(file): \(what)") } catch let e as TensorError { throw DataError(e.message) }
    }

    public var count: Int { shape.reduce(1, *) }
    public var byteCount: Int { bytes.count }

    /// The values as Float (Int64 values converted).
    public func floats() -> [Float] {
        switch dtype {
        case .float32: return (0..<count).map { Float(bitPattern: word32($0)) }
        case .int64: return int64s().map(Float.init)
        }
    }

    /// The values as Int64 (Float32 values must be whole numbers; nil otherwise).
    public func integers() -> [Int64]? {
        switch dtype {
        case .int64: return int64s()
        case .float32:
            let f = floats()
            guard f.allSatisfy({ $0.isFinite && $0.rounded() == $0 && abs($0) < 1e15 }) else { return nil }
            return f.map { Int64($0) }
        }
    }

    /// The values as a Float32 tensor of this shape.
    public func tensor() -> Tensor { Tensor(unchecked: shape, data: floats()) }

    private func word32(_ i: Int) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(bytes[i * 4 + k]) << (8 * k) }
        return v
    }

    private func int64s() -> [Int64] {
        (0..<count).map { i in
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(bytes[i * 8 + k]) << (8 * k) }
            return Int64(bitPattern: v)
        }
    }
}
