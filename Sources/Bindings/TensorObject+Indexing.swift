// Indexing and slicing a tensor with Python's rules: `x[0]`, `x[-1]`, `x[1:3]`, `x[::2]`,
// `x[0, 2:]`. An integer removes its axis; a slice keeps it. No fancy (list or mask) indexing.
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
        let result = TensorObject.gather(t, picks, innerShape: rest, outShape: outShape)
        if result.rank == 0 { return numberValue(result.data[0]) }
        return tensorValue(result)
    }

    /// Copies the rows picked on the leading axes; the trailing axes move as contiguous blocks.
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
                    let out = block * inner
                    for i in 0..<inner { dst[out + i] = src[offset + i] }
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
