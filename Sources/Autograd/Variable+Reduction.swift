// Reductions and broadcasting on Variables: sum/mean/variance over axes, expand and its
// adjoint sum(to:), max with a gradient through the chosen element.
import TensorCore

extension Variable {
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws -> Variable {
        let ax = try value.normalizedAxes(axes, op: "sum")
        let inShape = shape
        let out = try value.sum(axes: ax, keepDims: keepDims)
        return Variable.record("sum", out, [self]) { g, _ in
            let kept = inShape.enumerated().map { ax.contains($0.offset) ? 1 : $0.element }
            return [try g.reshape(kept).expand(to: inShape)]
        }
    }

    public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws -> Variable {
        let ax = try value.normalizedAxes(axes, op: "mean")
        let n = ax.map { shape[$0] }.reduce(1, *)
        guard n > 0 else { throw TensorError("mean: cannot average over an empty axis (shape \(shape.shapeText))") }
        return try sum(axes: ax, keepDims: keepDims) * (1 / Float(n))
    }

    /// Biased variance over `axes` (divides by n), as normalisation layers use.
    public func variance(axes: [Int]? = nil, keepDims: Bool = false) throws -> Variable {
        let m = try mean(axes: axes, keepDims: true)
        let d = try self - m
        return try (d * d).mean(axes: axes, keepDims: keepDims)
    }

    /// Broadcasts to `target`.
    public func expand(to target: [Int]) throws -> Variable {
        if shape == target { return self }
        let inShape = shape
        let out = try value.expand(to: target)
        return Variable.record("expand", out, [self]) { g, _ in [try g.sum(to: inShape)] }
    }

    /// Sums broadcast axes away to reach `target`; the adjoint of `expand(to:)`.
    public func sum(to target: [Int]) throws -> Variable {
        if shape == target { return self }
        let inShape = shape
        let out = try value.sum(to: target)
        return Variable.record("sum_to", out, [self]) { g, _ in [try g.expand(to: inShape)] }
    }

    /// Maximum over `axes`; the gradient flows to the (first) maximal element only.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) throws -> Variable {
        let ax = try value.normalizedAxes(axes, op: "max")
        let m = try value.max(axes: ax, keepDims: true)
        let mask = try value.equal(m)
        // Keep only the first maximum of ties so the gradient sums to one per group.
        let first = try Variable(firstOnes(mask, axes: ax))
        let out = keepDims ? m : try m.reshaped(value.reducedShapePublic(ax))
        let inShape = shape
        return Variable.record("max", out, [self]) { g, _ in
            let kept = inShape.enumerated().map { ax.contains($0.offset) ? 1 : $0.element }
            return [try g.reshape(kept).expand(to: inShape) * first]
        }
    }

    public func norm(axes: [Int]? = nil, keepDims: Bool = false) throws -> Variable {
        try (self * self).sum(axes: axes, keepDims: keepDims).sqrt()
    }
}

extension Tensor {
    /// Shape after removing `axes`.
    public func reducedShapePublic(_ axes: [Int]) -> [Int] {
        shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }
}

/// Zeroes all but the first 1 of `mask` within each group reduced over `axes`.
private func firstOnes(_ mask: Tensor, axes: [Int]) throws -> Tensor {
    let kept = (0..<mask.rank).filter { !axes.contains($0) }
    let moved = try mask.permuted(kept + axes)
    let red = axes.map { mask.shape[$0] }.reduce(1, *)
    var d = moved.data
    let groups = d.count / Swift.max(red, 1)
    for gIdx in 0..<groups {
        var seen = false
        for k in 0..<red where d[gIdx * red + k] != 0 {
            if seen { d[gIdx * red + k] = 0 } else { seen = true }
        }
    }
    var inverse = [Int](repeating: 0, count: mask.rank)
    for (i, a) in (kept + axes).enumerated() { inverse[a] = i }
    return try Tensor(unchecked: moved.shape, data: d).permuted(inverse)
}
