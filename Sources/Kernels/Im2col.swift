// im2col and its adjoint col2im for one image: the layout change that turns a convolution into
// a GEMM. No threading here; callers split work over images.

/// Floor division that rounds toward minus infinity (Swift's `/` truncates toward zero).
@inline(__always)
func floorDiv(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// Output columns `ox` whose input column `ox * stride - padding + j` lies inside `0..<width`.
@inline(__always)
func validOutputColumns(_ g: Conv2dGeometry, j: Int) -> Range<Int> {
    let lo = max(0, -floorDiv(j - g.padding, g.stride))          // ceil((padding - j) / stride)
    let hi = min(g.outWidth, floorDiv(g.width - 1 + g.padding - j, g.stride) + 1)
    return lo..<max(lo, hi)
}

/// Writes the patch matrix of one image: `col[(c, i, j), (oy, ox)] = x[c, oy*s-p+i, ox*s-p+j]`
/// (zero outside the image). Row `r` of the matrix starts at `col + r * ldCol`.
func im2col(_ g: Conv2dGeometry, x: UnsafePointer<Float>, col: UnsafeMutablePointer<Float>, ldCol: Int) {
    // x: [c, h, w] -> col: [c*kh*kw, oh*ow] (row stride ldCol)
    let (oh, ow, s, p) = (g.outHeight, g.outWidth, g.stride, g.padding)
    for c in 0..<g.inChannels {
        let plane = x + c * g.height * g.width
        for i in 0..<g.kernelH {
            for j in 0..<g.kernelW {
                let row = col + ((c * g.kernelH + i) * g.kernelW + j) * ldCol
                let valid = validOutputColumns(g, j: j)
                for oy in 0..<oh {
                    let dst = row + oy * ow
                    let iy = oy * s - p + i
                    if iy < 0 || iy >= g.height || valid.isEmpty {
                        dst.update(repeating: 0, count: ow)
                        continue
                    }
                    if valid.lowerBound > 0 { dst.update(repeating: 0, count: valid.lowerBound) }
                    if valid.upperBound < ow { (dst + valid.upperBound).update(repeating: 0, count: ow - valid.upperBound) }
                    let src = plane + iy * g.width - p + j
                    if s == 1 {
                        (dst + valid.lowerBound).update(from: src + valid.lowerBound, count: valid.count)
                    } else {
                        for ox in valid { dst[ox] = src[ox * s] }
                    }
                }
            }
        }
    }
}

/// The adjoint of `im2col`: adds every patch-matrix entry back onto the input element it was
/// copied from. `dx` must be zeroed (or hold what should be added to) by the caller.
func col2im(_ g: Conv2dGeometry, col: UnsafePointer<Float>, ldCol: Int, dx: UnsafeMutablePointer<Float>) {
    // col: [c*kh*kw, oh*ow] (row stride ldCol) -> dx: [c, h, w] (accumulated)
    let (oh, ow, s, p) = (g.outHeight, g.outWidth, g.stride, g.padding)
    for c in 0..<g.inChannels {
        let plane = dx + c * g.height * g.width
        for i in 0..<g.kernelH {
            for j in 0..<g.kernelW {
                let row = col + ((c * g.kernelH + i) * g.kernelW + j) * ldCol
                let valid = validOutputColumns(g, j: j)
                if valid.isEmpty { continue }
                for oy in 0..<oh {
                    let iy = oy * s - p + i
                    if iy < 0 || iy >= g.height { continue }
                    let src = row + oy * ow
                    let dst = plane + iy * g.width - p + j
                    if s == 1 {
                        for ox in valid { dst[ox] += src[ox] }
                    } else {
                        for ox in valid { dst[ox * s] += src[ox] }
                    }
                }
            }
        }
    }
}
