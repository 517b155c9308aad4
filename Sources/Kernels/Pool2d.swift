// Average and max pooling (NCHW, square window, floor mode), threads over (image, channel)
// planes. Plain twins in Pool2d+Reference.swift. Shapes are checked by callers.

/// Average pooling; padded zeros count in the divisor (PyTorch's `count_include_pad=True`), so
/// every window divides by `kernel * kernel`.
///
/// x: `[n, c, h, w]`, y: `[n, c, oh, ow]` (overwritten).
public func avgPool2dForward(_ g: Pool2dGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
    precondition(g.isValid, "avgPool2dForward: invalid geometry \(g)")
    let (h, w, oh, ow, k, s, p) = (g.height, g.width, g.outHeight, g.outWidth, g.kernel, g.stride, g.padding)
    let scale = 1 / Float(k * k)
    ThreadPool.forRanges(g.batch * g.channels, minChunk: max(1, 4096 / (h * w))) { planes in
        for plane in planes {
            let xp = x + plane * h * w
            let yp = y + plane * oh * ow
            if k == 2 && s == 2 && p == 0 {
                // The common 2x2/2 case: two input rows per output row, no bounds checks.
                for oy in 0..<oh {
                    let r0 = xp + 2 * oy * w, r1 = r0 + w
                    for ox in 0..<ow {
                        yp[oy * ow + ox] = (r0[2 * ox] + r0[2 * ox + 1] + r1[2 * ox] + r1[2 * ox + 1]) * scale
                    }
                }
                continue
            }
            for oy in 0..<oh {
                let y0 = max(0, oy * s - p), y1 = min(h, oy * s - p + k)
                for ox in 0..<ow {
                    let x0 = max(0, ox * s - p), x1 = min(w, ox * s - p + k)
                    var sum: Float = 0
                    for iy in y0..<y1 { for ix in x0..<x1 { sum += xp[iy * w + ix] } }
                    yp[oy * ow + ox] = sum * scale
                }
            }
        }
    }
}

/// Gradient of average pooling with respect to its input, `dx` overwritten.
///
/// dy: `[n, c, oh, ow]`, dx: `[n, c, h, w]`.
public func avgPool2dBackward(_ g: Pool2dGeometry, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
    precondition(g.isValid, "avgPool2dBackward: invalid geometry \(g)")
    let (h, w, oh, ow, k, s, p) = (g.height, g.width, g.outHeight, g.outWidth, g.kernel, g.stride, g.padding)
    let scale = 1 / Float(k * k)
    ThreadPool.forRanges(g.batch * g.channels, minChunk: max(1, 4096 / (h * w))) { planes in
        for plane in planes {
            let dxp = dx + plane * h * w
            let dyp = dy + plane * oh * ow
            if k == 2 && s == 2 && p == 0 {
                // The common 2x2/2 case: each input element gets at most one output's share
                // (an odd last row or column gets none), so every element is written once.
                for oy in 0..<oh {
                    let r0 = dxp + 2 * oy * w, r1 = r0 + w, src = dyp + oy * ow
                    for ox in 0..<ow {
                        let v = src[ox] * scale
                        r0[2 * ox] = v; r0[2 * ox + 1] = v; r1[2 * ox] = v; r1[2 * ox + 1] = v
                    }
                    if w > 2 * ow { r0[w - 1] = 0; r1[w - 1] = 0 }
                }
                if h > 2 * oh { (dxp + (h - 1) * w).update(repeating: 0, count: w) }
                continue
            }
            dxp.update(repeating: 0, count: h * w)
            for oy in 0..<oh {
                let y0 = max(0, oy * s - p), y1 = min(h, oy * s - p + k)
                for ox in 0..<ow {
                    let x0 = max(0, ox * s - p), x1 = min(w, ox * s - p + k)
                    let v = dyp[oy * ow + ox] * scale
                    for iy in y0..<y1 { for ix in x0..<x1 { dxp[iy * w + ix] += v } }
                }
            }
        }
    }
}

/// Max pooling; padding never wins (it acts as minus infinity), and the first maximum in
/// row-major window order wins ties; a NaN wins over numbers. `indices` receives the chosen element's offset in its
/// `h * w` plane.
///
/// x: `[n, c, h, w]`, y and indices: `[n, c, oh, ow]` (overwritten).
public func maxPool2dForward(
    _ g: Pool2dGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
    indices: UnsafeMutablePointer<Int32>
) {
    precondition(g.isValid, "maxPool2dForward: invalid geometry \(g)")
    let (h, w, oh, ow, k, s, p) = (g.height, g.width, g.outHeight, g.outWidth, g.kernel, g.stride, g.padding)
    ThreadPool.forRanges(g.batch * g.channels, minChunk: max(1, 4096 / (h * w))) { planes in
        for plane in planes {
            let xp = x + plane * h * w
            for oy in 0..<oh {
                let y0 = max(0, oy * s - p), y1 = min(h, oy * s - p + k)
                for ox in 0..<ow {
                    let x0 = max(0, ox * s - p), x1 = min(w, ox * s - p + k)
                    var best = -Float.infinity
                    var at = y0 * w + x0
                    for iy in y0..<y1 {
                        for ix in x0..<x1 {
                            // A NaN wins too, as in PyTorch, so a diverged input shows in the output.
                            let v = xp[iy * w + ix]
                            if v > best || v.isNaN { best = v; at = iy * w + ix }
                        }
                    }
                    let o = plane * oh * ow + oy * ow + ox
                    y[o] = best
                    indices[o] = Int32(at)
                }
            }
        }
    }
}

/// Gradient of max pooling: each output gradient goes to the element its window chose.
///
/// dy and indices: `[n, c, oh, ow]`, dx: `[n, c, h, w]` (overwritten).
public func maxPool2dBackward(
    _ g: Pool2dGeometry, dy: UnsafePointer<Float>, indices: UnsafePointer<Int32>,
    dx: UnsafeMutablePointer<Float>
) {
    precondition(g.isValid, "maxPool2dBackward: invalid geometry \(g)")
    let (hw, ohw) = (g.height * g.width, g.outHeight * g.outWidth)
    // Planes are disjoint, so threads over planes write disjoint memory; within a plane the
    // scatter runs in output order, the same for any thread count.
    ThreadPool.forRanges(g.batch * g.channels, minChunk: max(1, 4096 / hw)) { planes in
        for plane in planes {
            let dxp = dx + plane * hw
            dxp.update(repeating: 0, count: hw)
            for o in 0..<ohw { dxp[Int(indices[plane * ohw + o])] += dy[plane * ohw + o] }
        }
    }
}
