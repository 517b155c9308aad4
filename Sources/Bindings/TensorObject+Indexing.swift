// Indexing and slicing a tensor with Python's rules: `x[0]`, `x[-1]`, `x[1:3]`, `x[::2]`,
// `x[0, 2:]`. An integer removes its axis; a slice keeps it. No fancy (list or mask) indexing.
// Forward slices go through TensorCore's optimised `slice`; `gather` is the plain twin.
import Script
import TensorCore

extension TensorObject {
    /// `x[components]`: one component per leading axis (fewer than the rank leaves the rest
    /// whole). Selecting a single element gives a number.
    public func index(_ components: [IndexComponent]) throws -> Value {
        let t = tensor
        guard t.rank > 0 else { throw ScriptError("cannot index a rank-0 tensor (use x.item())") }
        guard components.count <= t.rank else {
            throw ScriptError("too many indices for a tensor of shape \(t.shape.shapeText): \(components.count) given, rank is \(t.rank)")
        }
        var picks: [[Int]] = []
        var outShape: [Int] = []
        for (axis, component) in components.enumerated() {
            let extent = t.shape[axis]
            switch component {
            case .single(let v):
                guard let i = v.exactInteger else {
                    throw ScriptError("tensor index must be an integer or a slice, got \(Arguments.describe(v))")
                }
                let j = i < 0 ? i + extent : i
                guard j >= 0, j < extent else {
                    throw ScriptError("index \(i) is out of range for axis \(axis) of size \(extent) (shape \(t.shape.shapeText))")
                }
                picks.append([j])
            case .slice(let a, let b, let c):
                let positions = try IndexComponent.positions(start: a, stop: b, step: c, count: extent)
                picks.append(positions)
                outShape.append(positions.count)
            }
        }
        let rest = Array(t.shape[components.count...])
        outShape += rest
        let result = try TensorObject.sliced(t, picks, outShape: outShape)
            ?? TensorObject.gather(t, picks, innerShape: rest, outShape: outShape)
        if result.rank == 0 { return numberValue(result.data[0]) }
        return tensorValue(result)
    }

    /// The fast path: one TensorCore `slice` per axis that selects less than all of it. Nil
    /// when an axis runs backwards (a negative step), which `gather` handles.
    static func sliced(_ t: Tensor, _ picks: [[Int]], outShape: [Int]) throws -> Tensor? {
        var result = t
        for (axis, p) in picks.enumerated() {
            let step = p.count > 1 ? p[1] - p[0] : 1
            if step < 0 { return nil }
            if p.isEmpty {
                result = try result.slice(axis: axis, 0..<0)
            } else if !(step == 1 && p.count == t.shape[axis]) {
                result = try result.slice(axis: axis, p[0]..<(p[p.count - 1] + 1), step: step)
            }
        }
        return try result.reshaped(outShape)
    }

    /// The plain twin of `sliced` (and the path for negative steps): copies the rows picked on
    /// the leading axes one by one; the trailing axes move as contiguous blocks.
    static func gather(_ t: Tensor, _ picks: [[Int]], innerShape: [Int], outShape: [Int]) -> Tensor {
        let inner = innerShape.reduce(1, *)
        let strides = t.strides
        let total = picks.map(\.count).reduce(1, *)
        return t.data.withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: outShape) { dst in
                guard total > 0, inner > 0 else { return }
                var counter = [Int](repeating: 0, count: picks.count)
                for block in 0..<total {
                    var offset = 0
                    for (axis, k) in counter.enumerated() { offset += picks[axis][k] * strides[axis] }
                    (dst.baseAddress! + block * inner).update(from: src.baseAddress! + offset, count: inner)
                    var axis = picks.count - 1
                    while axis >= 0 {
                        counter[axis] += 1
                        if counter[axis] < picks[axis].count { break }
                        counter[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
    }
}
