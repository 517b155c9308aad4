// Plain twins of the affine grid-sampling kernels: the PyTorch formulas per pixel, in Double,
// with explicit bounds checks instead of precomputed taps.

/// The source point (align_corners=True pixel coordinates) of output pixel (`i`, `j`) of image `b`.
private func referenceSource(_ b: Int, _ i: Int, _ j: Int, h: Int, w: Int, theta: UnsafePointer<Float>) -> (Double, Double) {
    let t = (0..<6).map { Double(theta[6 * b + $0]) }
    let bx = w > 1 ? -1 + 2 * Double(j) / Double(w - 1) : 0
    let by = h > 1 ? -1 + 2 * Double(i) / Double(h - 1) : 0
    let gx = t[0] * bx + t[1] * by + t[2]
    let gy = t[3] * bx + t[4] * by + t[5]
    return ((gx + 1) / 2 * Double(w - 1), (gy + 1) / 2 * Double(h - 1))
}

/// The in-bounds corners of a bilinear sample at (`ix`, `iy`) and their weights.
private func referenceCorners(_ ix: Double, _ iy: Double, h: Int, w: Int) -> [(Int, Double)] {
    let x0 = Int(ix.rounded(.down)), y0 = Int(iy.rounded(.down))
    let tx = ix - Double(x0), ty = iy - Double(y0)
    let all = [(y0, x0, (1 - ty) * (1 - tx)), (y0, x0 + 1, (1 - ty) * tx),
               (y0 + 1, x0, ty * (1 - tx)), (y0 + 1, x0 + 1, ty * tx)]
    return all.filter { $0.0 >= 0 && $0.0 < h && $0.1 >= 0 && $0.1 < w }.map { ($0.0 * w + $0.1, $0.2) }
}

/// Reference twin of `affineGridSampleForward`.
public func affineGridSampleForwardReference(
    n: Int, c: Int, h: Int, w: Int, theta: UnsafePointer<Float>,
    x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
) {
    for b in 0..<n {
        for i in 0..<h {
            for j in 0..<w {
                let (ix, iy) = referenceSource(b, i, j, h: h, w: w, theta: theta)
                let corners = referenceCorners(ix, iy, h: h, w: w)
                for ch in 0..<c {
                    let plane = (b * c + ch) * h * w
                    var s = 0.0
                    for (offset, weight) in corners { s += weight * Double(x[plane + offset]) }
                    y[plane + i * w + j] = Float(s)
                }
            }
        }
    }
}

/// Reference twin of `affineGridSampleBackward`: accumulates in Double, then rounds once.
public func affineGridSampleBackwardReference(
    n: Int, c: Int, h: Int, w: Int, theta: UnsafePointer<Float>,
    dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>
) {
    var acc = [Double](repeating: 0, count: n * c * h * w)
    for b in 0..<n {
        for i in 0..<h {
            for j in 0..<w {
                let (ix, iy) = referenceSource(b, i, j, h: h, w: w, theta: theta)
                for (offset, weight) in referenceCorners(ix, iy, h: h, w: w) {
                    for ch in 0..<c {
                        let plane = (b * c + ch) * h * w
                        acc[plane + offset] += weight * Double(dy[plane + i * w + j])
                    }
                }
            }
        }
    }
    for i in acc.indices { dx[i] = Float(acc[i]) }
}
