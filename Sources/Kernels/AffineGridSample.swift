// Affine grid sampling as DSA's scale/rotate augmentations use it: PyTorch's
// F.affine_grid(theta, size, align_corners=True) + F.grid_sample(bilinear, zeros, align_corners=True),
// and its exact adjoint in x (theta is not differentiated). Twins in AffineGridSample+Reference.swift.

/// The four bilinear taps of one output pixel: plane offsets and weights, with weight 0 (and
/// offset 0) for taps outside the image, so sampling needs no bounds checks.
struct BilinearTaps {
    var offsets: SIMD4<Int32>
    var weights: SIMD4<Float>
}

/// Normalised base-grid coordinate of index `i` of `size`: -1 ... 1 inclusive (0 when size is 1).
@inline(__always)
func affineBase(_ i: Int, _ size: Int) -> Float {
    size > 1 ? -1 + 2 * Float(i) / Float(size - 1) : 0
}

/// Taps for every pixel of an `h x w` output sampled through `theta` (`[2, 3]`).
func affineTaps(h: Int, w: Int, theta: UnsafePointer<Float>, into taps: UnsafeMutablePointer<BilinearTaps>) {
    let (t00, t01, t02, t10, t11, t12) = (theta[0], theta[1], theta[2], theta[3], theta[4], theta[5])
    let halfW = Float(w - 1) / 2, halfH = Float(h - 1) / 2
    for i in 0..<h {
        let by = affineBase(i, h)
        for j in 0..<w {
            let bx = affineBase(j, w)
            // Grid point, then align_corners=True unnormalisation: (g + 1) / 2 * (size - 1).
            let ix = (t00 * bx + t01 * by + t02 + 1) * halfW
            let iy = (t10 * bx + t11 * by + t12 + 1) * halfH
            taps[i * w + j] = bilinearTaps(ix: ix, iy: iy, h: h, w: w)
        }
    }
}

/// Bilinear taps at source point (`ix`, `iy`) with zero padding outside `h x w`.
@inline(__always)
func bilinearTaps(ix: Float, iy: Float, h: Int, w: Int) -> BilinearTaps {
    var result = BilinearTaps(offsets: .zero, weights: .zero)
    guard ix.isFinite && iy.isFinite, ix > -1, iy > -1, ix < Float(w), iy < Float(h) else { return result }
    let fx = ix.rounded(.down), fy = iy.rounded(.down)
    let x0 = Int(fx), y0 = Int(fy)
    let tx = ix - fx, ty = iy - fy
    // Corners in the order (y0, x0), (y0, x0+1), (y0+1, x0), (y0+1, x0+1).
    let inX = SIMD4<Int>(x0, x0 + 1, x0, x0 + 1), inY = SIMD4<Int>(y0, y0, y0 + 1, y0 + 1)
    let wx = SIMD4<Float>(1 - tx, tx, 1 - tx, tx), wy = SIMD4<Float>(1 - ty, 1 - ty, ty, ty)
    for k in 0..<4 where inY[k] >= 0 && inY[k] < h && inX[k] >= 0 && inX[k] < w {
        result.offsets[k] = Int32(inY[k] * w + inX[k])
        result.weights[k] = wy[k] * wx[k]
    }
    return result
}

/// Calls `body(image, taps)` for every image, spread over the pool by images; `taps` holds that
/// image's h*w bilinear taps (the part the forward pass and its adjoint share).
private func forEachImageTaps(n: Int, h: Int, w: Int, theta: UnsafePointer<Float>,
                              _ body: (Int, UnsafeMutablePointer<BilinearTaps>) -> Void) {
    ThreadPool.forRanges(n) { images in
        let taps = UnsafeMutablePointer<BilinearTaps>.allocate(capacity: h * w)
        defer { taps.deallocate() }
        for b in images {
            affineTaps(h: h, w: w, theta: theta + 6 * b, into: taps)
            body(b, taps)
        }
    }
}

/// Samples every channel of each image through its affine matrix; output has the input's size.
///
/// theta: `[n, 2, 3]`, x: `[n, c, h, w]`, y: `[n, c, h, w]` (overwritten).
public func affineGridSampleForward(
    n: Int, c: Int, h: Int, w: Int, theta: UnsafePointer<Float>,
    x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
) {
    precondition(n >= 0 && c > 0 && h > 0 && w > 0, "affineGridSampleForward: bad sizes")
    let hw = h * w
    forEachImageTaps(n: n, h: h, w: w, theta: theta) { b, taps in
        for ch in 0..<c {
            let xp = x + (b * c + ch) * hw
            let yp = y + (b * c + ch) * hw
            for p in 0..<hw {
                let t = taps[p]
                let v = SIMD4<Float>(xp[Int(t.offsets[0])], xp[Int(t.offsets[1])],
                                     xp[Int(t.offsets[2])], xp[Int(t.offsets[3])])
                yp[p] = (v * t.weights).sum()
            }
        }
    }
}

/// The exact adjoint in x of `affineGridSampleForward`: each output gradient is spread onto the
/// taps it read, with the same weights. Each image's planes are written by one task, in pixel
/// order, so the result does not depend on the thread count.
///
/// theta: `[n, 2, 3]`, dy: `[n, c, h, w]`, dx: `[n, c, h, w]` (overwritten).
public func affineGridSampleBackward(
    n: Int, c: Int, h: Int, w: Int, theta: UnsafePointer<Float>,
    dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>
) {
    precondition(n >= 0 && c > 0 && h > 0 && w > 0, "affineGridSampleBackward: bad sizes")
    let hw = h * w
    forEachImageTaps(n: n, h: h, w: w, theta: theta) { b, taps in
        for ch in 0..<c {
            let dyp = dy + (b * c + ch) * hw
            let dxp = dx + (b * c + ch) * hw
            dxp.update(repeating: 0, count: hw)
            for p in 0..<hw {
                let t = taps[p]
                let g = dyp[p] * t.weights
                dxp[Int(t.offsets[0])] += g[0]
                dxp[Int(t.offsets[1])] += g[1]
                dxp[Int(t.offsets[2])] += g[2]
                dxp[Int(t.offsets[3])] += g[3]
            }
        }
    }
}
