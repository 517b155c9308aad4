// Integer translation with zero fill and horizontal flip of NCHW batches: the pixel-moving
// parts of the DSA crop and flip augmentations. Both are linear; translate(-t) is the adjoint
// of translate(t), and flip is its own adjoint.

extension Tensor {
    /// Shifts image i by (dy[i], dx[i]): out[y, x] = in[y + dy, x + dx], zero outside.
    public func translated(dy: [Int], dx: [Int]) throws -> Tensor {
        let (n, c, h, w) = try requireNCHW("translate")
        guard dy.count == n, dx.count == n else {
            throw TensorError("translate: \(dy.count)/\(dx.count) shifts for a batch of \(n)")
        }
        var out = [Float](repeating: 0, count: count)
        data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n {
                    let oy = dy[i], ox = dx[i]
                    let y0 = Swift.max(0, -oy), y1 = Swift.min(h, h - oy)
                    let x0 = Swift.max(0, -ox), x1 = Swift.min(w, w - ox)
                    if y0 >= y1 || x0 >= x1 { continue }
                    for ch in 0..<c {
                        let plane = (i * c + ch) * h * w
                        for y in y0..<y1 {
                            let d = plane + y * w, s = plane + (y + oy) * w + ox
                            for x in x0..<x1 { dst[d + x] = src[s + x] }
                        }
                    }
                }
            }
        }
        return Tensor(unchecked: shape, data: out)
    }

    /// Mirrors images whose `mask[i]` is true left to right.
    public func flippedHorizontally(_ mask: [Bool]) throws -> Tensor {
        let (n, c, h, w) = try requireNCHW("flip")
        guard mask.count == n else { throw TensorError("flip: \(mask.count) flags for a batch of \(n)") }
        var out = data
        for i in 0..<n where mask[i] {
            for row in 0..<(c * h) {
                let base = (i * c * h + row) * w
                for x in 0..<w { out[base + x] = data[base + w - 1 - x] }
            }
        }
        return Tensor(unchecked: shape, data: out)
    }
}
