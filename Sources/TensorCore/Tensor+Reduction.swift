// Reductions over chosen axes (sum, mean, variance, max, min, argmax, norm) and `sum(to:)`,
// the adjoint of broadcasting. Sums are combined in fixed-size chunks in a fixed order, so the
// result does not depend on the thread count.
import Kernels

/// Elements per partial sum; fixed so results are identical for any thread count.
let reductionChunk = 1 << 14

extension Tensor {
    /// Normalises axes (negative counts from the end), sorted and unique; nil means all axes.
    public func normalizedAxes(_ axes: [Int]?, op: String) throws -> [Int] {
        guard let axes else { return Array(0..<rank) }
        var out: [Int] = []
        for a in axes {
            let b = a < 0 ? a + rank : a
            guard b >= 0 && b < rank else {
                throw TensorError("\(op): axis \(a) is out of range for a tensor of rank \(rank) (shape \(shape.shapeText))")
            }
            guard !out.contains(b) else { throw TensorError("\(op): axis \(a) is repeated") }
            out.append(b)
        }
        return out.sorted()
    }

    /// Shape left after reducing `axes`.
    func reducedShape(_ axes: [Int], keepDims: Bool) -> [Int] {
        if keepDims { return shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element } }
        return shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    /// Moves `axes` to the end (a copy when needed) and returns [outer, reduced] extents.
    private func reductionLayout(_ axes: [Int]) throws -> (Tensor, outer: Int, inner: Int, reduced: Int) {
        let kept = (0..<rank).filter { !axes.contains($0) }
        let reduced = axes.map { shape[$0] }.reduce(1, *)
        // Contiguous block of trailing or middle axes: view as [outer, reduced, inner].
        if let first = axes.first, axes == Array(first..<(first + axes.count)) {
            let outer = shape[..<first].reduce(1, *)
            let inner = shape[(first + axes.count)...].reduce(1, *)
            return (self, outer, inner, reduced)
        }
        let moved = try permuted(kept + axes)
        return (moved, kept.map { shape[$0] }.reduce(1, *), 1, reduced)
    }

    /// Sum over `axes` (all when nil).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let ax = try normalizedAxes(axes, op: "sum")
        if ax.isEmpty { return self }
        if let out = sumOuterAxes(ax) { return Tensor(unchecked: reducedShape(ax, keepDims: keepDims), data: out) }
        let (t, outer, inner, red) = try reductionLayout(ax)
        var out = [Float](repeating: 0, count: outer * inner)
        t.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                if inner == 1 {
                    if outer == 1 {
                        d[0] = chunkedSum(s, red)
                    } else {
                        ThreadPool.forRanges(outer, minChunk: Swift.max(1, parallelThreshold / Swift.max(1, red))) { r in
                            for o in r { d[o] = chunkedSum(s + o * red, red) }
                        }
                    }
                } else {
                    ThreadPool.forRanges(outer, minChunk: Swift.max(1, parallelThreshold / Swift.max(1, red * inner))) { r in
                        for o in r {
                            let dp = d + o * inner
                            for k in 0..<red {
                                let sp = s + (o * red + k) * inner
                                for i in 0..<inner { dp[i] += sp[i] }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(unchecked: reducedShape(ax, keepDims: keepDims), data: out)
    }

    /// Mean over `axes` (all when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let ax = try normalizedAxes(axes, op: "mean")
        let n = ax.map { shape[$0] }.reduce(1, *)
        guard n > 0 else { throw TensorError("mean: cannot average over an empty axis (shape \(shape.shapeText))") }
        return try sum(axes: ax, keepDims: keepDims) * (1 / Float(n))
    }

    /// Variance over `axes`; `unbiased` divides by n - 1.
    public func variance(axes: [Int]? = nil, keepDims: Bool = false, unbiased: Bool = false) throws -> Tensor {
        let ax = try normalizedAxes(axes, op: "var")
        let n = ax.map { shape[$0] }.reduce(1, *)
        guard n > (unbiased ? 1 : 0) else { throw TensorError("var: too few elements over the axes (shape \(shape.shapeText))") }
        let m = try mean(axes: ax, keepDims: true)
        let d = try self - m
        return try (d * d).sum(axes: ax, keepDims: keepDims) * (1 / Float(unbiased ? n - 1 : n))
    }

    /// Euclidean norm over `axes` (all when nil).
    public func norm(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        try (self * self).sum(axes: axes, keepDims: keepDims).sqrt()
    }

    /// Maximum over `axes`.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        try extreme(axes: axes, keepDims: keepDims, op: "max") { $0 > $1 }
    }

    /// Minimum over `axes`.
    public func min(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        try extreme(axes: axes, keepDims: keepDims, op: "min") { $0 < $1 }
    }

    /// Index of the largest element along `axis` (first wins), as Float values.
    public func argmax(axis: Int, keepDims: Bool = false) throws -> Tensor {
        let ax = try normalizedAxes([axis], op: "argmax")
        let (t, outer, inner, red) = try reductionLayout(ax)
        guard red > 0 else { throw TensorError("argmax: axis \(axis) is empty") }
        var out = [Float](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = t.data[o * red * inner + i], bi = 0
                for k in 1..<Swift.max(red, 1) {
                    let v = t.data[(o * red + k) * inner + i]
                    if v > best || (best.isNaN == false && v.isNaN) { best = v; bi = k }
                }
                out[o * inner + i] = Float(bi)
            }
        }
        return Tensor(unchecked: reducedShape(ax, keepDims: keepDims), data: out)
    }

    private func extreme(axes: [Int]?, keepDims: Bool, op: String, _ better: (Float, Float) -> Bool) throws -> Tensor {
        let ax = try normalizedAxes(axes, op: op)
        if ax.isEmpty { return self }
        let (t, outer, inner, red) = try reductionLayout(ax)
        guard red > 0 else { throw TensorError("\(op): cannot reduce over an empty axis (shape \(shape.shapeText))") }
        var out = [Float](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = t.data[o * red * inner + i]
                for k in 1..<red {
                    let v = t.data[(o * red + k) * inner + i]
                    if better(v, best) || v.isNaN { best = v }
                }
                out[o * inner + i] = best
            }
        }
        return Tensor(unchecked: reducedShape(ax, keepDims: keepDims), data: out)
    }

    /// Sums broadcast axes away so the result has `target` shape: the adjoint of `expand(to:)`.
    public func sum(to target: [Int]) throws -> Tensor {
        if shape == target { return self }
        guard try broadcastShape(target, shape, op: "sum_to") == shape else {
            throw TensorError("sum_to: \(shape.shapeText) does not broadcast from \(target.shapeText)")
        }
        let lead = rank - target.count
        var axes = Array(0..<lead)
        for (i, d) in target.enumerated() where d == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
        return try sum(axes: axes, keepDims: true).reshaped(target)
    }
}

extension Tensor {
    /// Sum over a leading block of axes and a trailing block around kept middle axes (the bias
    /// gradient's `[0, 2, 3]` of an NCHW tensor) without moving data: the same chunks and
    /// accumulators as `chunkedSum` over the permuted copy, so the same bits. Only when each
    /// contiguous segment holds a multiple of 32 floats (nil otherwise, and the caller permutes).
    func sumOuterAxes(_ ax: [Int]) -> [Float]? {
        guard let first = ax.first, first == 0, let last = ax.last, last == rank - 1, count > 0 else { return nil }
        var a = 0
        while a < ax.count && ax[a] == a { a += 1 }
        guard a < ax.count else { return nil }
        let b = ax[a]
        guard ax[a...] == ArraySlice(b..<rank), b > a else { return nil }
        let segments = shape[..<a].reduce(1, *), kept = shape[a..<b].reduce(1, *), segment = shape[b...].reduce(1, *)
        guard segment % 32 == 0 else { return nil }
        let n = segments * segment
        var out = [Float](repeating: 0, count: kept)
        data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                ThreadPool.forRanges(kept, minChunk: Swift.max(1, parallelThreshold / Swift.max(1, n))) { r in
                    for k in r {
                        // Element i of the virtual row is s[((i / segment) * kept + k) * segment + i % segment].
                        func rangeSum(_ lo: Int, _ hi: Int) -> Float {
                            var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
                            var i = lo
                            while i < hi {
                                let seg = i / segment, off = i % segment
                                let end = Swift.min(hi, (seg + 1) * segment)
                                let raw = UnsafeRawPointer(s + (seg * kept + k) * segment + off)
                                var j = 0
                                while i + j < end {
                                    acc0 += raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
                                    acc1 += raw.loadUnaligned(fromByteOffset: (j + 16) * 4, as: SIMD16<Float>.self)
                                    j += 32
                                }
                                i = end
                            }
                            return (acc0 + acc1).sum()
                        }
                        if n <= reductionChunk {
                            d[k] = rangeSum(0, n)
                        } else {
                            var total: Float = 0
                            for lo in stride(from: 0, to: n, by: reductionChunk) { total += rangeSum(lo, Swift.min(n, lo + reductionChunk)) }
                            d[k] = total
                        }
                    }
                }
            }
        }
        return out
    }
}

/// Sum of `n` floats in fixed chunks: each chunk with 16-lane SIMD accumulators, chunks in order.
func chunkedSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    if n <= reductionChunk { return simdSum(p, n) }
    let chunks = (n + reductionChunk - 1) / reductionChunk
    var partial = [Float](repeating: 0, count: chunks)
    partial.withUnsafeMutableBufferPointer { part in
        let pp = part.baseAddress!
        ThreadPool.forRanges(chunks) { r in
            for c in r {
                let lo = c * reductionChunk
                pp[c] = simdSum(p + lo, Swift.min(reductionChunk, n - lo))
            }
        }
    }
    var total: Float = 0
    for v in partial { total += v }
    return total
}

@inline(__always)
func simdSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 32 <= n {
        acc0 += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        acc1 += raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self)
        i += 32
    }
    var s = (acc0 + acc1).sum()
    while i < n { s += p[i]; i += 1 }
    return s
}
