// How a tensor prints: a header with its shape and min/max/mean, then, for small tensors, the
// values in nested brackets (numpy's layout, columns right-aligned). No parsing back.
import Foundation
import Script
import TensorCore

extension TensorObject {
    /// Tensors with at most this many elements print their values under the header.
    public static let printedElementLimit = 100

    /// `tensor [2, 3]  min -1.2  max 0.9  mean 0.03`, then the values when there are few.
    public var summary: String {
        let header = "tensor \(tensor.shape.shapeText)"
        let t = tensor
        if t.rank == 0 { return header + "  value " + TensorObject.format(t.data[0]) }
        if t.count == 0 { return header + "  empty" }
        var line = header
        let (lo, hi, mean, nans) = TensorObject.statistics(t)
        if nans < t.count {
            line += "  min \(TensorObject.format(lo))  max \(TensorObject.format(hi))  mean \(TensorObject.format(mean))"
        }
        if nans > 0 { line += "  (\(nans) nan)" }
        guard t.count <= TensorObject.printedElementLimit else { return line }
        return line + "\n" + TensorObject.bracketed(t)
    }

    /// Min and max over the non-NaN elements, the mean (NaN when any element is), and the NaN
    /// count. TensorCore's optimised reductions do the work; only a tensor holding NaN takes
    /// the element loop.
    static func statistics(_ t: Tensor) -> (min: Float, max: Float, mean: Float, nans: Int) {
        let all = Array(0..<t.rank)
        if let lo = try? t.min(axes: all).data[0], let hi = try? t.max(axes: all).data[0],
           let total = try? t.sum(axes: all).data[0], !lo.isNaN, !hi.isNaN, !total.isNaN {
            return (lo, hi, total / Float(t.count), 0)
        }
        var lo = Float.infinity, hi = -Float.infinity, nans = 0
        for v in t.data {
            if v.isNaN { nans += 1; continue }
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        return (lo, hi, nans > 0 ? .nan : t.data.reduce(0, +) / Float(t.count), nans)
    }

    /// A number as tensors print it: whole numbers without a point, others with four
    /// significant digits (`0.03`, `-1.235`, `1.5e-05`).
    static func format(_ x: Float) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == x.rounded(), Swift.abs(x) < 1e7 { return String(Int(x)) }
        return String(format: "%.4g", Double(x))
    }

    /// The values in nested brackets, every number right-aligned to the widest.
    static func bracketed(_ t: Tensor) -> String {
        let texts = t.data.map(format)
        let width = texts.map(\.count).max() ?? 0
        let padded = texts.map { String(repeating: " ", count: width - $0.count) + $0 }
        let strides = t.strides
        func render(_ axis: Int, _ offset: Int) -> String {
            let n = t.shape[axis]
            if axis == t.rank - 1 {
                return "[" + (0..<n).map { padded[offset + $0] }.joined(separator: ", ") + "]"
            }
            // Rows of the last two axes go one per line; higher axes add a blank line between blocks.
            let separator = ",\n" + String(repeating: "\n", count: t.rank - axis - 2)
                + String(repeating: " ", count: axis + 1)
            return "[" + (0..<n).map { render(axis + 1, offset + $0 * strides[axis]) }.joined(separator: separator) + "]"
        }
        return render(0, 0)
    }
}
