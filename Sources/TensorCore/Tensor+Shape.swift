// Shape operations that move data: permute/transpose, slicing and its adjoint, concatenation,
// stacking, zero padding, and row selection (index_select) with its scatter-add adjoint.

extension Tensor {
    /// Axes reordered: result axis i is input axis `order[i]`.
    public func permuted(_ order: [Int]) throws -> Tensor {
        guard order.count == rank, Set(order) == Set(0..<rank) else {
            throw TensorError("permute: \(order.shapeText) is not a permutation of the \(rank) axes of \(shape.shapeText)")
        }
        if order == Array(0..<rank) { return self }
        let outShape = order.map { shape[$0] }
        let inStrides = strides
        let srcStrides = order.map { inStrides[$0] }
        let n = count
        return data.withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: outShape) { dst in
                if n == 0 { return }
                let s = src.baseAddress!, d = dst.baseAddress!
                let r = outShape.count
                let inner = outShape[r - 1], innerStride = srcStrides[r - 1]
                let rows = n / Swift.max(inner, 1)
                var idx = [Int](repeating: 0, count: r)
                for row in 0..<rows {
                    var off = 0
                    for a in 0..<(r - 1) { off += idx[a] * srcStrides[a] }
                    let dp = d + row * inner
                    for i in 0..<inner { dp[i] = s[off + i * innerStride] }
                    var a = r - 2
                    while a >= 0 {
                        idx[a] += 1
                        if idx[a] < outShape[a] { break }
                        idx[a] = 0
                        a -= 1
                    }
                }
            }
        }
    }

    /// Swaps two axes (default: the last two).
    public func transposed(_ a: Int = -2, _ b: Int = -1) throws -> Tensor {
        guard rank >= 2 else { throw TensorError("transpose: needs rank >= 2, got shape \(shape.shapeText)") }
        let ax = try normalizedAxes([a], op: "transpose")[0], bx = try normalizedAxes([b], op: "transpose")[0]
        var order = Array(0..<rank)
        order.swapAt(ax, bx)
        return try permuted(order)
    }

    /// Elements `range` (step `step`) along `axis`.
    public func slice(axis: Int, _ range: Range<Int>, step: Int = 1) throws -> Tensor {
        let ax = try normalizedAxes([axis], op: "slice")[0]
        guard step > 0 else { throw TensorError("slice: step must be positive, got \(step)") }
        guard range.lowerBound >= 0, range.upperBound <= shape[ax] else {
            throw TensorError("slice: range \(range.lowerBound)..<\(range.upperBound) is out of bounds for axis \(axis) of size \(shape[ax])")
        }
        let len = (range.count + step - 1) / step
        var outShape = shape
        outShape[ax] = len
        let outer = shape[..<ax].reduce(1, *), inner = shape[(ax + 1)...].reduce(1, *)
        let full = shape[ax]
        return data.withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: outShape) { dst in
                var o = 0
                for a in 0..<outer {
                    for k in 0..<len {
                        let base = (a * full + range.lowerBound + k * step) * inner
                        for i in 0..<inner { dst[o + i] = src[base + i] }
                        o += inner
                    }
                }
            }
        }
    }

    /// The adjoint of `slice`: places this tensor at `range`/`step` along `axis` of a zero
    /// tensor with extent `size` there.
    public func unslice(axis: Int, size: Int, _ range: Range<Int>, step: Int = 1) throws -> Tensor {
        let ax = try normalizedAxes([axis], op: "unslice")[0]
        let len = (range.count + step - 1) / step
        guard step > 0, range.lowerBound >= 0, range.upperBound <= size, shape[ax] == len else {
            throw TensorError("unslice: \(shape.shapeText) does not fit range \(range) step \(step) of size \(size)")
        }
        var outShape = shape
        outShape[ax] = size
        let outer = shape[..<ax].reduce(1, *), inner = shape[(ax + 1)...].reduce(1, *)
        var out = [Float](repeating: 0, count: outShape.reduce(1, *))
        var o = 0
        for a in 0..<outer {
            for k in 0..<len {
                let base = (a * size + range.lowerBound + k * step) * inner
                for i in 0..<inner { out[base + i] = data[o + i] }
                o += inner
            }
        }
        return Tensor(unchecked: outShape, data: out)
    }

    /// Joins tensors along `axis`; all other extents must agree.
    public static func concat(_ parts: [Tensor], axis: Int) throws -> Tensor {
        guard let first = parts.first else { throw TensorError("concat: needs at least one tensor") }
        let ax = try first.normalizedAxes([axis], op: "concat")[0]
        for (i, p) in parts.enumerated() {
            guard p.rank == first.rank,
                  p.shape.enumerated().allSatisfy({ $0.offset == ax || $0.element == first.shape[$0.offset] })
            else {
                throw TensorError("concat: tensor #\(i + 1) has shape \(p.shape.shapeText), incompatible with \(first.shape.shapeText) along axis \(axis)")
            }
        }
        var outShape = first.shape
        outShape[ax] = parts.map { $0.shape[ax] }.reduce(0, +)
        try checkShape(outShape, op: "concat")
        let outer = first.shape[..<ax].reduce(1, *), inner = first.shape[(ax + 1)...].reduce(1, *)
        var out = [Float]()
        out.reserveCapacity(outShape.reduce(1, *))
        for a in 0..<outer {
            for p in parts {
                let run = p.shape[ax] * inner
                out.append(contentsOf: p.data[(a * run)..<((a + 1) * run)])
            }
        }
        return Tensor(unchecked: outShape, data: out)
    }

    /// Stacks equal-shaped tensors along a new axis.
    public static func stack(_ parts: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = parts.first else { throw TensorError("stack: needs at least one tensor") }
        for (i, p) in parts.enumerated() where p.shape != first.shape {
            throw TensorError("stack: tensor #\(i + 1) has shape \(p.shape.shapeText), expected \(first.shape.shapeText)")
        }
        let ax = axis < 0 ? axis + first.rank + 1 : axis
        guard ax >= 0 && ax <= first.rank else {
            throw TensorError("stack: axis \(axis) is out of range for rank \(first.rank + 1)")
        }
        var s = first.shape
        s.insert(1, at: ax)
        return try concat(parts.map { Tensor(unchecked: s, data: $0.data) }, axis: ax)
    }

    /// Zero padding: `padding[i] = (before, after)` for axis i (missing trailing axes get none).
    public func padded(_ padding: [(Int, Int)], value: Float = 0) throws -> Tensor {
        guard padding.count <= rank, padding.allSatisfy({ $0.0 >= 0 && $0.1 >= 0 }) else {
            throw TensorError("pad: \(padding.count) (before, after) pairs of non-negative sizes expected for shape \(shape.shapeText)")
        }
        var t = self
        for (ax, (b, a)) in padding.enumerated() where b > 0 || a > 0 {
            var s = t.shape
            let size = s[ax] + b + a
            s[ax] = size
            var z = try Tensor(repeating: value, shape: s, op: "pad")
            let placed = try t.unslice(axis: ax, size: size, b..<(b + t.shape[ax]))
            if value != 0 {
                let mask = try Tensor(repeating: 1, shape: t.shape).unslice(axis: ax, size: size, b..<(b + t.shape[ax]))
                z = try Tensor.where(mask, placed, z)
            } else {
                z = placed
            }
            t = z
        }
        return t
    }

    /// Rows `indices` of axis 0 (any order, repeats allowed).
    public func indexSelect(_ indices: [Int]) throws -> Tensor {
        guard rank >= 1 else { throw TensorError("index_select: needs rank >= 1") }
        let row = count / Swift.max(shape[0], 1)
        for i in indices where i < 0 || i >= shape[0] {
            throw TensorError("index_select: index \(i) is out of range for axis 0 of size \(shape[0])")
        }
        var s = shape
        s[0] = indices.count
        return try data.withUnsafeBufferPointer { src in
            try Tensor(checkedShape: s, op: "index_select") { dst in
                for (k, i) in indices.enumerated() {
                    for j in 0..<row { dst[k * row + j] = src[i * row + j] }
                }
            }
        }
    }

    /// The adjoint of `indexSelect`: adds row k of this tensor into row `indices[k]` of a zero
    /// tensor with `rows` rows.
    public func indexAdd(_ indices: [Int], rows: Int) throws -> Tensor {
        guard rank >= 1, shape[0] == indices.count else {
            throw TensorError("index_add: \(indices.count) indices for \(shape.first ?? 0) rows")
        }
        let row = count / Swift.max(shape[0], 1)
        var s = shape
        s[0] = rows
        var out = [Float](repeating: 0, count: rows * row)
        for (k, i) in indices.enumerated() {
            guard i >= 0 && i < rows else { throw TensorError("index_add: index \(i) is out of range for \(rows) rows") }
            for j in 0..<row { out[i * row + j] += data[k * row + j] }
        }
        return Tensor(unchecked: s, data: out)
    }
}
