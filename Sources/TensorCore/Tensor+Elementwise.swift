// Elementwise operations: unary maps, broadcasting binary ops, comparisons into 0/1 masks,
// `where`, clamping. Hot ops go through functor types so each loop is specialised and
// vectorised (no closure call per element); large inputs are split over the thread pool.
import Kernels
#if canImport(Glibc)
import Glibc
#endif

/// Work below this many elements runs on one thread.
let parallelThreshold = 1 << 15

protocol UnaryFunctor { static func f(_ x: Float) -> Float }
protocol BinaryFunctor { static func f(_ a: Float, _ b: Float) -> Float }

enum AddOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a + b } }
enum SubOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a - b } }
enum MulOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a * b } }
enum DivOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a / b } }
/// a where b > 0, else a * 0 (the same bits as a * step(b), signed zero and NaN included).
enum PositiveGateOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { b > 0 ? a : a * 0 } }
enum MaxOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a > b ? a : b } }
enum MinOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a < b ? a : b } }
enum GtOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a > b ? 1 : 0 } }
enum GeOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a >= b ? 1 : 0 } }
enum LtOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a < b ? 1 : 0 } }
enum LeOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a <= b ? 1 : 0 } }
enum EqOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a == b ? 1 : 0 } }
enum NeOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a != b ? 1 : 0 } }
enum PowOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { Glibc.powf(a, b) } }

enum NegOp: UnaryFunctor { @inline(__always) static func f(_ x: Float) -> Float { -x } }
enum ExpOp: UnaryFunctor { @inline(__always) static func f(_ x: Float) -> Float { Glibc.expf(x) } }
enum LogOp: UnaryFunctor { @inline(__always) static func f(_ x: Float) -> Float { Glibc.logf(x) } }
enum SqrtOp: UnaryFunctor { @inline(__always) static func f(_ x: Float) -> Float { x.squareRoot() } }
enum AbsOp: UnaryFunctor { @inline(__always) static func f(_ x: Float) -> Float { Swift.abs(x) } }
enum SquareOp: UnaryFunctor { @inline(__always) static func f(_ x: Float) -> Float { x * x } }
enum SignOp: UnaryFunctor { @inline(__always) static func f(_ x: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) } }
enum ReluOp: UnaryFunctor { @inline(__always) static func f(_ x: Float) -> Float { x > 0 ? x : 0 } }
enum StepOp: UnaryFunctor { @inline(__always) static func f(_ x: Float) -> Float { x > 0 ? 1 : 0 } }
enum SigmoidOp: UnaryFunctor { @inline(__always) static func f(_ x: Float) -> Float { 1 / (1 + Glibc.expf(-x)) } }
enum TanhOp: UnaryFunctor { @inline(__always) static func f(_ x: Float) -> Float { Glibc.tanhf(x) } }

extension Tensor {
    /// Unary kernel, specialised per functor.
    func mapKernel<F: UnaryFunctor>(_: F.Type) -> Tensor {
        let n = count
        return data.withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: shape) { dst in
                guard n > 0 else { return }
                let s = src.baseAddress!, d = dst.baseAddress!
                if n < parallelThreshold {
                    for i in 0..<n { d[i] = F.f(s[i]) }
                } else {
                    ThreadPool.forRanges(n, minChunk: parallelThreshold) { r in
                        for i in r { d[i] = F.f(s[i]) }
                    }
                }
            }
        }
    }

    /// `F(x, s)` for every element x.
    func scalarKernel<F: BinaryFunctor>(_ s: Float, scalarFirst: Bool = false, _: F.Type) -> Tensor {
        let n = count
        return data.withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: shape) { dst in
                guard n > 0 else { return }
                let p = src.baseAddress!, d = dst.baseAddress!
                let body = { (r: Range<Int>) in
                    if scalarFirst { for i in r { d[i] = F.f(s, p[i]) } } else { for i in r { d[i] = F.f(p[i], s) } }
                }
                if n < parallelThreshold { body(0..<n) } else { ThreadPool.forRanges(n, minChunk: parallelThreshold, body) }
            }
        }
    }

    /// Broadcasting binary kernel, specialised per functor.
    func zipKernel<F: BinaryFunctor>(_ other: Tensor, op: String, _: F.Type) throws -> Tensor {
        if other.count == 1 && other.rank <= rank { return scalarKernel(other.data[0], F.self) }
        if count == 1 && rank <= other.rank {
            let r = other.scalarKernel(data[0], scalarFirst: true, F.self)
            return r
        }
        var outShape = shape
        if shape != other.shape {
            // Broadcasting can make a result far larger than either operand.
            outShape = try broadcastShape(shape, other.shape, op: op)
            try Tensor.checkShape(outShape, op: op)
        }
        let plan = BroadcastPlan(a: shape, b: other.shape, out: outShape)
        return data.withUnsafeBufferPointer { pa in
            other.data.withUnsafeBufferPointer { pb in
                Tensor(uninitializedShape: outShape) { dst in
                    if dst.count == 0 { return }
                    let xa = pa.baseAddress!, xb = pb.baseAddress!, d = dst.baseAddress!
                    let rows = plan.rowCount
                    let inner = plan.dims[plan.dims.count - 1]
                    let work = { (r: Range<Int>) in
                        plan.forEachRun(rows: r) { o, oa, ob, sa, sb, len in
                            if sa == 1 && sb == 1 {
                                for i in 0..<len { d[o + i] = F.f(xa[oa + i], xb[ob + i]) }
                            } else if sa == 1 && sb == 0 {
                                let v = xb[ob]
                                for i in 0..<len { d[o + i] = F.f(xa[oa + i], v) }
                            } else if sa == 0 && sb == 1 {
                                let v = xa[oa]
                                for i in 0..<len { d[o + i] = F.f(v, xb[ob + i]) }
                            } else {
                                for i in 0..<len { d[o + i] = F.f(xa[oa + i * sa], xb[ob + i * sb]) }
                            }
                        }
                    }
                    if dst.count < parallelThreshold {
                        work(0..<rows)
                    } else if rows == 1 {
                        // One long run: split it directly.
                        plan.forEachRun(rows: 0..<1) { o, oa, ob, sa, sb, len in
                            ThreadPool.forRanges(len, minChunk: parallelThreshold) { r in
                                for i in r { d[o + i] = F.f(xa[oa + i * sa], xb[ob + i * sb]) }
                            }
                        }
                    } else {
                        ThreadPool.forRanges(rows, minChunk: Swift.max(1, parallelThreshold / Swift.max(1, inner)), work)
                    }
                }
            }
        }
    }

    /// Applies `f` to every element (general, unspecialised; prefer the named ops).
    public func map(_ f: (Float) -> Float) -> Tensor {
        let n = count
        return data.withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: shape) { dst in
                for i in 0..<n { dst[i] = f(src[i]) }
            }
        }
    }

    /// Combines `self` and `other` elementwise with broadcasting (general, unspecialised).
    public func combined(with other: Tensor, op: String, _ f: (Float, Float) -> Float) throws -> Tensor {
        let outShape = try broadcastShape(shape, other.shape, op: op)
        try Tensor.checkShape(outShape, op: op)
        let a = try expand(to: outShape), b = try other.expand(to: outShape)
        return Tensor(unchecked: outShape, data: Swift.zip(a.data, b.data).map { f($0, $1) })
    }

    // MARK: arithmetic

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.zipKernel(b, op: "add", AddOp.self) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.zipKernel(b, op: "sub", SubOp.self) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.zipKernel(b, op: "mul", MulOp.self) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.zipKernel(b, op: "div", DivOp.self) }
    public static func + (a: Tensor, s: Float) -> Tensor { a.scalarKernel(s, AddOp.self) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.scalarKernel(s, SubOp.self) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.scalarKernel(s, MulOp.self) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.scalarKernel(s, DivOp.self) }
    public static func + (s: Float, a: Tensor) -> Tensor { a.scalarKernel(s, scalarFirst: true, AddOp.self) }
    public static func - (s: Float, a: Tensor) -> Tensor { a.scalarKernel(s, scalarFirst: true, SubOp.self) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.scalarKernel(s, scalarFirst: true, MulOp.self) }
    public static func / (s: Float, a: Tensor) -> Tensor { a.scalarKernel(s, scalarFirst: true, DivOp.self) }
    public static prefix func - (a: Tensor) -> Tensor { a.mapKernel(NegOp.self) }

    public func pow(_ other: Tensor) throws -> Tensor { try zipKernel(other, op: "pow", PowOp.self) }
    public func pow(_ p: Float) -> Tensor {
        if p == 2 { return mapKernel(SquareOp.self) }
        if p == 1 { return self }
        if p == 0.5 { return mapKernel(SqrtOp.self) }
        return scalarKernel(p, PowOp.self)
    }
    public func maximum(_ other: Tensor) throws -> Tensor { try zipKernel(other, op: "maximum", MaxOp.self) }
    public func minimum(_ other: Tensor) throws -> Tensor { try zipKernel(other, op: "minimum", MinOp.self) }

    // MARK: unary

    public func exp() -> Tensor { mapKernel(ExpOp.self) }
    public func log() -> Tensor { mapKernel(LogOp.self) }
    public func sqrt() -> Tensor { mapKernel(SqrtOp.self) }
    public func abs() -> Tensor { mapKernel(AbsOp.self) }
    public func sign() -> Tensor { mapKernel(SignOp.self) }
    public func relu() -> Tensor { mapKernel(ReluOp.self) }
    public func leakyRelu(_ slope: Float = 0.01) -> Tensor { map { $0 > 0 ? $0 : slope * $0 } }
    public func sigmoid() -> Tensor { mapKernel(SigmoidOp.self) }
    public func tanh() -> Tensor { mapKernel(TanhOp.self) }
    public func sin() -> Tensor { map { Glibc.sinf($0) } }
    public func cos() -> Tensor { map { Glibc.cosf($0) } }
    public func clamp(min lo: Float = -.infinity, max hi: Float = .infinity) -> Tensor {
        scalarKernel(lo, MaxOp.self).scalarKernel(hi, MinOp.self)
    }

    // MARK: comparisons into masks (1 where true, 0 elsewhere)

    public func greater(_ o: Tensor) throws -> Tensor { try zipKernel(o, op: "gt", GtOp.self) }
    public func greaterEqual(_ o: Tensor) throws -> Tensor { try zipKernel(o, op: "ge", GeOp.self) }
    public func less(_ o: Tensor) throws -> Tensor { try zipKernel(o, op: "lt", LtOp.self) }
    public func lessEqual(_ o: Tensor) throws -> Tensor { try zipKernel(o, op: "le", LeOp.self) }
    public func equal(_ o: Tensor) throws -> Tensor { try zipKernel(o, op: "eq", EqOp.self) }
    public func notEqual(_ o: Tensor) throws -> Tensor { try zipKernel(o, op: "ne", NeOp.self) }
    /// self where `gate` > 0, else zero: `self * gate.greater(0)` in one pass (ReLU's backward).
    public func gated(byPositive gate: Tensor) throws -> Tensor {
        guard gate.shape == shape else {
            throw TensorError("gate: shapes \(shape.shapeText) and \(gate.shape.shapeText) differ")
        }
        return try zipKernel(gate, op: "gate", PositiveGateOp.self)
    }

    public func greater(_ s: Float) -> Tensor { s == 0 ? mapKernel(StepOp.self) : scalarKernel(s, GtOp.self) }
    public func less(_ s: Float) -> Tensor { scalarKernel(s, LtOp.self) }

    /// `a` where `mask` is non-zero, `b` elsewhere (all three broadcast together).
    public static func `where`(_ mask: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let s = try broadcastShape(try broadcastShape(mask.shape, a.shape, op: "where"), b.shape, op: "where")
        try checkShape(s, op: "where")
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
        try Tensor.checkShape(target, op: "expand")
        return try zipKernel(Tensor(unchecked: target, data: [Float](repeating: 0, count: target.reduce(1, *))), op: "expand", FirstOp.self)
    }
}

enum FirstOp: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a } }
