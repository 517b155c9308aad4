// Elementwise operations: unary maps, broadcasting binary ops, comparisons into 0/1 masks,
// `where`, clamping. Large inputs are split over the thread pool by contiguous ranges.
import Kernels
#if canImport(Glibc)
import Glibc
#endif

/// Work below this many elements runs on one thread.
let parallelThreshold = 1 << 15

extension Tensor {
    /// Applies `f` to every element.
    public func map(_ f: (Float) -> Float) -> Tensor {
        let n = count
        return data.withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: shape) { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                if n < parallelThreshold {
                    for i in 0..<n { d[i] = f(s[i]) }
                } else {
                    withoutActuallyEscaping(f) { f in
                        ThreadPool.forRanges(n, minChunk: parallelThreshold) { r in
                            for i in r { d[i] = f(s[i]) }
                        }
                    }
                }
            }
        }
    }

    /// Combines `self` and `other` elementwise with broadcasting.
    public func combined(with other: Tensor, op: String, _ f: (Float, Float) -> Float) throws -> Tensor {
        if shape == other.shape {
            let n = count
            return data.withUnsafeBufferPointer { a in
                other.data.withUnsafeBufferPointer { b in
                    Tensor(uninitializedShape: shape) { dst in
                        let pa = a.baseAddress!, pb = b.baseAddress!, d = dst.baseAddress!
                        if n < parallelThreshold {
                            for i in 0..<n { d[i] = f(pa[i], pb[i]) }
                        } else {
                            withoutActuallyEscaping(f) { f in
                                ThreadPool.forRanges(n, minChunk: parallelThreshold) { r in
                                    for i in r { d[i] = f(pa[i], pb[i]) }
                                }
                            }
                        }
                    }
                }
            }
        }
        let outShape = try broadcastShape(shape, other.shape, op: op)
        return Tensor.broadcastZip(self, other, outShape: outShape, f)
    }

    static func broadcastZip(_ a: Tensor, _ b: Tensor, outShape: [Int], _ f: (Float, Float) -> Float) -> Tensor {
        withoutActuallyEscaping(f) { f in broadcastZipEscaping(a, b, outShape: outShape, f) }
    }

    private static func broadcastZipEscaping(_ a: Tensor, _ b: Tensor, outShape: [Int], _ f: @escaping (Float, Float) -> Float) -> Tensor {
        let plan = BroadcastPlan(a: a.shape, b: b.shape, out: outShape)
        return a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                Tensor(uninitializedShape: outShape) { dst in
                    if dst.count == 0 { return }
                    let xa = pa.baseAddress!, xb = pb.baseAddress!, d = dst.baseAddress!
                    let rows = plan.rowCount
                    let inner = plan.dims[plan.dims.count - 1]
                    let work = { (r: Range<Int>) in
                        plan.forEachRun(rows: r) { o, oa, ob, sa, sb, len in
                            if sa == 1 && sb == 1 {
                                for i in 0..<len { d[o + i] = f(xa[oa + i], xb[ob + i]) }
                            } else if sa == 1 && sb == 0 {
                                let v = xb[ob]
                                for i in 0..<len { d[o + i] = f(xa[oa + i], v) }
                            } else if sa == 0 && sb == 1 {
                                let v = xa[oa]
                                for i in 0..<len { d[o + i] = f(v, xb[ob + i]) }
                            } else {
                                for i in 0..<len { d[o + i] = f(xa[oa + i * sa], xb[ob + i * sb]) }
                            }
                        }
                    }
                    if dst.count < parallelThreshold {
                        work(0..<rows)
                    } else {
                        ThreadPool.forRanges(rows, minChunk: Swift.max(1, parallelThreshold / Swift.max(1, inner)), work)
                    }
                }
            }
        }
    }

    // MARK: arithmetic

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, op: "add") { $0 + $1 } }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, op: "sub") { $0 - $1 } }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, op: "mul") { $0 * $1 } }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, op: "div") { $0 / $1 } }
    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }
    public static func - (a: Tensor, s: Float) -> Tensor { a.map { $0 - s } }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    public static func / (a: Tensor, s: Float) -> Tensor { a.map { $0 / s } }
    public static func + (s: Float, a: Tensor) -> Tensor { a.map { s + $0 } }
    public static func - (s: Float, a: Tensor) -> Tensor { a.map { s - $0 } }
    public static func * (s: Float, a: Tensor) -> Tensor { a.map { s * $0 } }
    public static func / (s: Float, a: Tensor) -> Tensor { a.map { s / $0 } }
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    public func pow(_ other: Tensor) throws -> Tensor { try combined(with: other, op: "pow") { Glibc.powf($0, $1) } }
    public func pow(_ p: Float) -> Tensor {
        if p == 2 { return map { $0 * $0 } }
        if p == 1 { return self }
        if p == 0.5 { return map { $0.squareRoot() } }
        return map { Glibc.powf($0, p) }
    }
    public func maximum(_ other: Tensor) throws -> Tensor { try combined(with: other, op: "maximum") { Swift.max($0, $1) } }
    public func minimum(_ other: Tensor) throws -> Tensor { try combined(with: other, op: "minimum") { Swift.min($0, $1) } }

    // MARK: unary

    public func exp() -> Tensor { map { Glibc.expf($0) } }
    public func log() -> Tensor { map { Glibc.logf($0) } }
    public func sqrt() -> Tensor { map { $0.squareRoot() } }
    public func abs() -> Tensor { map { Swift.abs($0) } }
    public func sign() -> Tensor { map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) } }
    public func relu() -> Tensor { map { $0 > 0 ? $0 : 0 } }
    public func leakyRelu(_ slope: Float = 0.01) -> Tensor { map { $0 > 0 ? $0 : slope * $0 } }
    public func sigmoid() -> Tensor { map { 1 / (1 + Glibc.expf(-$0)) } }
    public func tanh() -> Tensor { map { Glibc.tanhf($0) } }
    public func sin() -> Tensor { map { Glibc.sinf($0) } }
    public func cos() -> Tensor { map { Glibc.cosf($0) } }
    public func clamp(min lo: Float = -.infinity, max hi: Float = .infinity) -> Tensor {
        map { Swift.min(Swift.max($0, lo), hi) }
    }

    // MARK: comparisons into masks (1 where true, 0 elsewhere)

    public func greater(_ o: Tensor) throws -> Tensor { try combined(with: o, op: "gt") { $0 > $1 ? 1 : 0 } }
    public func greaterEqual(_ o: Tensor) throws -> Tensor { try combined(with: o, op: "ge") { $0 >= $1 ? 1 : 0 } }
    public func less(_ o: Tensor) throws -> Tensor { try combined(with: o, op: "lt") { $0 < $1 ? 1 : 0 } }
    public func lessEqual(_ o: Tensor) throws -> Tensor { try combined(with: o, op: "le") { $0 <= $1 ? 1 : 0 } }
    public func equal(_ o: Tensor) throws -> Tensor { try combined(with: o, op: "eq") { $0 == $1 ? 1 : 0 } }
    public func notEqual(_ o: Tensor) throws -> Tensor { try combined(with: o, op: "ne") { $0 != $1 ? 1 : 0 } }
    public func greater(_ s: Float) -> Tensor { map { $0 > s ? 1 : 0 } }
    public func less(_ s: Float) -> Tensor { map { $0 < s ? 1 : 0 } }

    /// `a` where `mask` is non-zero, `b` elsewhere (all three broadcast together).
    public static func `where`(_ mask: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let s = try broadcastShape(try broadcastShape(mask.shape, a.shape, op: "where"), b.shape, op: "where")
        let m = try mask.expand(to: s), x = try a.expand(to: s), y = try b.expand(to: s)
        var out = x
        out.data.withUnsafeMutableBufferPointer { o in
            for i in 0..<o.count where m.data[i] == 0 { o[i] = y.data[i] }
        }
        return out
    }

    /// This tensor broadcast to `target` (a copy).
    public func expand(to target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let s = try broadcastShape(shape, target, op: "expand")
        guard s == target else {
            throw TensorError("expand: cannot expand \(shape.shapeText) to \(target.shapeText)")
        }
        return Tensor.broadcastZip(self, Tensor(scalar: 0), outShape: target) { a, _ in a }
    }
}
