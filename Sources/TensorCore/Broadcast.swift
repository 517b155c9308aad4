// Broadcasting rules (NumPy's): shape agreement, and the strided walk binary ops use.
// It does not compute anything; Tensor+Elementwise.swift applies the ops.

/// Result shape of broadcasting `a` with `b`, or a thrown error naming the op and both shapes.
public func broadcastShape(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
        let da = i < r - a.count ? 1 : a[i - (r - a.count)]
        let db = i < r - b.count ? 1 : b[i - (r - b.count)]
        if da == db || db == 1 {
            out[i] = da
        } else if da == 1 {
            out[i] = db
        } else {
            throw TensorError("\(op): shapes \(a.shapeText) and \(b.shapeText) cannot be broadcast together")
        }
    }
    return out
}

/// A broadcast of two operands to one output, with adjacent axes merged where possible so the
/// innermost loop is as long as it can be.
struct BroadcastPlan {
    /// Merged output extents (outermost first).
    var dims: [Int]
    /// Element strides of each operand along the merged axes (0 where broadcast).
    var aStrides: [Int]
    var bStrides: [Int]

    init(a: [Int], b: [Int], out: [Int]) {
        let r = out.count
        func stridesFor(_ s: [Int]) -> [Int] {
            let padded = [Int](repeating: 1, count: r - s.count) + s
            var st = [Int](repeating: 0, count: r)
            var acc = 1
            for i in stride(from: r - 1, through: 0, by: -1) {
                st[i] = padded[i] == 1 && out[i] != 1 ? 0 : acc
                acc *= padded[i]
            }
            return st
        }
        let sa = stridesFor(a), sb = stridesFor(b)
        var d: [Int] = [], ma: [Int] = [], mb: [Int] = []
        for i in 0..<r where out[i] != 1 {
            if let last = d.indices.last,
               ma[last] == sa[i] * out[i], mb[last] == sb[i] * out[i] {
                // The previous axis steps exactly over this one in both operands: merge.
                d[last] *= out[i]
                ma[last] = sa[i]
                mb[last] = sb[i]
            } else {
                d.append(out[i]); ma.append(sa[i]); mb.append(sb[i])
            }
        }
        if d.isEmpty { d = [1]; ma = [0]; mb = [0] }
        dims = d; aStrides = ma; bStrides = mb
    }

    /// Calls `body(outOffset, aOffset, bOffset, aStep, bStep, length)` for every run of the
    /// innermost axis within output rows `rows` (rows index the outer axes).
    func forEachRun(rows: Range<Int>, _ body: (Int, Int, Int, Int, Int, Int) -> Void) {
        let inner = dims[dims.count - 1]
        let ia = aStrides[dims.count - 1], ib = bStrides[dims.count - 1]
        let outer = dims.count - 1
        for row in rows {
            var rem = row, oa = 0, ob = 0
            var ax = outer - 1
            while ax >= 0 {
                let i = rem % dims[ax]
                rem /= dims[ax]
                oa += i * aStrides[ax]
                ob += i * bStrides[ax]
                ax -= 1
            }
            body(row * inner, oa, ob, ia, ib, inner)
        }
    }

    var rowCount: Int { dims.dropLast().reduce(1, *) }
}
