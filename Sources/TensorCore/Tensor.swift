// Tensor: an n-dimensional array of Float32 in row-major order, a copy-on-write value type.
// Operations live in Tensor+*.swift files by concern; gradients live in Autograd.

/// A dense, row-major Float32 array of any rank.
///
/// Tensors are values: copying one is cheap and a write copies the storage only when it is
/// shared (Swift's array copy-on-write).
///
///     let x = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
///     let y = try x.reshaped([3, 2])
public struct Tensor: Sendable, Equatable {
    /// Extent of each axis; `[]` is a scalar.
    public private(set) var shape: [Int]
    /// Elements in row-major order; `data.count == shape.product`. Other modules write
    /// elements through `withUnsafeMutableValues` or `replaceValues`, which keep the count.
    public internal(set) var data: [Float]

    /// A tensor of the given shape holding `data` (row-major).
    public init(shape: [Int], data: [Float]) throws {
        try Tensor.checkShape(shape, op: "tensor")
        let n = shape.reduce(1, *)
        guard n == data.count else {
            throw TensorError("tensor: shape \(shape.shapeText) needs \(n) elements, got \(data.count)")
        }
        self.shape = shape
        self.data = data
    }

    /// Unchecked initialiser for code that has already validated `shape` and `data`.
    public init(unchecked shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "shape/data mismatch")
        self.shape = shape
        self.data = data
    }

    /// A tensor of the given shape whose elements are all `value`.
    public init(repeating value: Float, shape: [Int], op: String = "full") throws {
        try Tensor.checkShape(shape, op: op)
        self.shape = shape
        self.data = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// A rank-0 tensor.
    public init(scalar: Float) {
        self.shape = []
        self.data = [scalar]
    }

    /// A tensor whose storage is filled by `body`, which must write every element.
    public init(uninitializedShape shape: [Int], _ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        _ = Tensor.allocatorTuned
        let n = shape.reduce(1, *)
        self.shape = shape
        self.data = [Float](unsafeUninitializedCapacity: n) { buf, count in
            body(buf)
            count = n
        }
    }

    public static func zeros(_ shape: [Int]) throws -> Tensor { try Tensor(repeating: 0, shape: shape, op: "zeros") }
    public static func ones(_ shape: [Int]) throws -> Tensor { try Tensor(repeating: 1, shape: shape, op: "ones") }
    public static func full(_ shape: [Int], _ value: Float) throws -> Tensor {
        try Tensor(repeating: value, shape: shape)
    }

    /// Zeros with the same shape as `other` (no validation needed).
    public static func zeros(like other: Tensor) -> Tensor {
        Tensor(unchecked: other.shape, data: [Float](repeating: 0, count: other.count))
    }

    /// `[start, start + step, ...)` below `end`, as a 1-D tensor.
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError("arange: step must be a non-zero finite number, got \(step)")
        }
        // Bounded before converting to Int, so a huge count cannot trap.
        let steps = ((end - start) / step).rounded(.up)
        guard steps <= Float(Tensor.maxElements) else {
            throw TensorError("arange: \(steps) elements is too many (at most \(Tensor.maxElements) in one tensor)")
        }
        let n = Swift.max(0, Int(steps))
        try checkShape([n], op: "arange")
        return Tensor(unchecked: [n], data: (0..<n).map { start + Float($0) * step })
    }

    /// Number of elements.
    @inlinable public var count: Int { data.count }
    /// Number of axes.
    @inlinable public var rank: Int { shape.count }
    /// The single element of a one-element tensor.
    public var scalarValue: Float? { data.count == 1 ? data[0] : nil }

    /// Row-major strides in elements.
    public var strides: [Int] { Tensor.strides(for: shape) }

    public static func strides(for shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }

    /// Largest element count a single tensor may have (keeps shape arithmetic far from overflow).
    public static let maxElements = 1 << 36

    /// Throws when a shape has negative extents, more than `maxElements` elements (an element
    /// count past Int is caught without overflowing) or needs more memory than `MemoryLimit`
    /// allows. Every allocation whose size a user decides passes through here first.
    @discardableResult
    public static func checkShape(_ shape: [Int], op: String) throws -> Int {
        var n = 1, zero = false
        for d in shape {
            guard d >= 0 else { throw TensorError("\(op): shape \(shape.shapeText) has a negative extent") }
            zero = zero || d == 0
            let (p, o) = n.multipliedReportingOverflow(by: Swift.max(d, 1))
            guard !o, p <= maxElements else {
                throw TensorError("\(op): shape \(shape.shapeText) has too many elements (at most \(maxElements) in one tensor)")
            }
            n = p
        }
        if zero { return 0 }
        try MemoryLimit.check(bytes: n * MemoryLayout<Float>.stride, what: "\(op): shape \(shape.shapeText)")
        return n
    }

    /// `init(uninitializedShape:_:)` for a shape not yet validated: throws as `checkShape` does
    /// before allocating (ops whose result can be larger than their operands).
    public init(checkedShape shape: [Int], op: String, _ body: (UnsafeMutableBufferPointer<Float>) -> Void) throws {
        try Tensor.checkShape(shape, op: op)
        self.init(uninitializedShape: shape, body)
    }

    /// Calls `body` with the elements, to write them in place; the storage is copied first only
    /// when another tensor shares it. The buffer is passed by value, so it cannot be resized.
    ///
    ///     x.withUnsafeMutableValues { p in for j in p.indices { p[j] *= 2 } }
    public mutating func withUnsafeMutableValues<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try data.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Replaces every element (row-major); throws unless `values` has exactly `count` elements.
    public mutating func replaceValues(_ values: [Float]) throws {
        guard values.count == data.count else {
            throw TensorError("replace values: tensor of shape \(shape.shapeText) needs \(data.count) elements, got \(values.count)")
        }
        data = values
    }

    /// Element at a multi-index (checked).
    public func element(at index: [Int]) throws -> Float {
        guard index.count == rank else {
            throw TensorError("index: tensor of rank \(rank) needs \(rank) indices, got \(index.count)")
        }
        var off = 0
        for (axis, (i, d)) in zip(index, shape).enumerated() {
            guard i >= 0 && i < d else {
                throw TensorError("index: index \(i) is out of range for axis \(axis) of size \(d)")
            }
            off = off * d + i
        }
        return data[off]
    }

    /// Returns the same elements viewed with another shape of equal size; one extent may be -1.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        let resolved = try Tensor.resolveReshape(newShape, count: count, from: shape)
        return Tensor(unchecked: resolved, data: data)
    }

    static func resolveReshape(_ newShape: [Int], count: Int, from shape: [Int]) throws -> [Int] {
        var out = newShape
        let unknown = newShape.indices.filter { newShape[$0] == -1 }
        guard unknown.count <= 1, newShape.allSatisfy({ $0 >= -1 }) else {
            throw TensorError("reshape: invalid target shape \(newShape.shapeText)")
        }
        // Products that overflow Int cannot equal `count`: an error, not a trap.
        func product(_ dims: [Int]) -> Int? {
            var p = 1
            for d in dims {
                let (q, o) = p.multipliedReportingOverflow(by: d)
                if o { return nil }
                p = q
            }
            return p
        }
        if let u = unknown.first {
            let known = product(newShape.enumerated().filter { $0.offset != u }.map(\.element)) ?? 0
            guard known > 0, count % known == 0 else {
                throw TensorError("reshape: cannot reshape \(shape.shapeText) into \(newShape.shapeText)")
            }
            out[u] = count / known
        }
        guard product(out) == count else {
            throw TensorError("reshape: cannot reshape \(shape.shapeText) (\(count) elements) into \(newShape.shapeText)")
        }
        return out
    }
}

#if canImport(Glibc)
import Glibc
import Kernels
#endif

extension Tensor {
    /// Keeps freed activation buffers in the heap instead of returning them to the kernel:
    /// without this every large tensor is a fresh mmap whose pages fault in on first touch,
    /// which cost about 40 % of a DM iteration's CPU time in the kernel. One arena, no mmap for
    /// large blocks, no trimming. Runs on first tensor allocation; front ends call
    /// `Tensor.tuneAllocator()` first thing so it precedes any worker thread.
    static let allocatorTuned: Bool = {
        #if os(Linux)
        _ = glibcMallopt(-8, 1)             // M_ARENA_MAX
        _ = glibcMallopt(-4, 0)             // M_MMAP_MAX
        _ = glibcMallopt(-1, Int32.max)     // M_TRIM_THRESHOLD
        #endif
        // OpenBLAS runs single-threaded; our pool splits the work (see Kernels/Gemm.swift).
        configureBLAS()
        return true
    }()

    /// Applies the allocator settings above (idempotent).
    public static func tuneAllocator() { _ = allocatorTuned }
}

#if os(Linux)
/// glibc's `mallopt` (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("mallopt")
func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
#endif

/// An error from a tensor operation; the message names the op, the argument and the shapes.
public struct TensorError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Array where Element == Int {
    /// `[2, 3]` printed as `[2, 3]`; used in error messages.
    public var shapeText: String { "[" + map(String.init).joined(separator: ", ") + "]" }
}
