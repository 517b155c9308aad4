// Shape ops on Variables: reshape, permute, slicing and its adjoint, concat, stack, padding,
// row selection and its scatter-add adjoint. Each backward rule is the adjoint op.
import TensorCore

extension Variable {
    public func reshape(_ newShape: [Int]) throws -> Variable {
        let inShape = shape
        let out = try value.reshaped(newShape)
        if out.shape == inShape { return self }
        return Variable.record("reshape", out, [self]) { g, _ in [try g.reshape(inShape)] }
    }

    /// Flattens all axes after the first: [n, ...] -> [n, rest].
    public func flattenBatch() throws -> Variable {
        try reshape([shape.first ?? 1, -1])
    }

    public func permute(_ order: [Int]) throws -> Variable {
        let out = try value.permuted(order)
        var inverse = [Int](repeating: 0, count: order.count)
        for (i, a) in order.enumerated() { inverse[a] = i }
        return Variable.record("permute", out, [self]) { g, _ in [try g.permute(inverse)] }
    }

    public func transpose(_ a: Int = -2, _ b: Int = -1) throws -> Variable {
        let ax = try value.normalizedAxes([a], op: "transpose")[0]
        let bx = try value.normalizedAxes([b], op: "transpose")[0]
        var order = Array(0..<rank)
        order.swapAt(ax, bx)
        return try permute(order)
    }

    public func slice(axis: Int, _ range: Range<Int>, step: Int = 1) throws -> Variable {
        let size = shape.isEmpty ? 0 : shape[try value.normalizedAxes([axis], op: "slice")[0]]
        let out = try value.slice(axis: axis, range, step: step)
        return Variable.record("slice", out, [self]) { g, _ in
            [try g.unslice(axis: axis, size: size, range, step: step)]
        }
    }

    public func unslice(axis: Int, size: Int, _ range: Range<Int>, step: Int = 1) throws -> Variable {
        let out = try value.unslice(axis: axis, size: size, range, step: step)
        return Variable.record("unslice", out, [self]) { g, _ in [try g.slice(axis: axis, range, step: step)] }
    }

    public static func concat(_ parts: [Variable], axis: Int) throws -> Variable {
        let out = try Tensor.concat(parts.map(\.value), axis: axis)
        let ax = try parts[0].value.normalizedAxes([axis], op: "concat")[0]
        let sizes = parts.map { $0.shape[ax] }
        return record("concat", out, parts) { g, needs in
            var start = 0
            var result: [Variable?] = []
            for (i, s) in sizes.enumerated() {
                result.append(needs[i] ? try g.slice(axis: ax, start..<(start + s)) : nil)
                start += s
            }
            return result
        }
    }

    public static func stack(_ parts: [Variable], axis: Int = 0) throws -> Variable {
        guard let first = parts.first else { throw TensorError("stack: needs at least one tensor") }
        let ax = axis < 0 ? axis + first.rank + 1 : axis
        guard ax >= 0 && ax <= first.rank else { throw TensorError("stack: axis \(axis) is out of range") }
        var s = first.shape
        s.insert(1, at: ax)
        for (i, p) in parts.enumerated() where p.shape != first.shape {
            throw TensorError("stack: tensor #\(i + 1) has shape \(p.shape.shapeText), expected \(first.shape.shapeText)")
        }
        return try concat(parts.map { try $0.reshape(s) }, axis: ax)
    }

    /// Zero padding, `(before, after)` per leading axis.
    public func padded(_ padding: [(Int, Int)]) throws -> Variable {
        let out = try value.padded(padding)
        let inShape = shape
        return Variable.record("pad", out, [self]) { g, _ in
            var r = g
            for (ax, (b, _)) in padding.enumerated() where inShape[ax] != r.shape[ax] {
                r = try r.slice(axis: ax, b..<(b + inShape[ax]))
            }
            return [r]
        }
    }

    /// Rows `indices` of axis 0.
    public func indexSelect(_ indices: [Int]) throws -> Variable {
        let rows = shape.first ?? 0
        let out = try value.indexSelect(indices)
        return Variable.record("index_select", out, [self]) { g, _ in [try g.indexAdd(indices, rows: rows)] }
    }

    /// Adds row k into row `indices[k]` of a zero tensor with `rows` rows.
    public func indexAdd(_ indices: [Int], rows: Int) throws -> Variable {
        let out = try value.indexAdd(indices, rows: rows)
        return Variable.record("index_add", out, [self]) { g, _ in [try g.indexSelect(indices)] }
    }
}
