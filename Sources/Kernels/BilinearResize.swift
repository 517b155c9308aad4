// Bilinear resize of NCHW images with PyTorch's align_corners=False rule, and its exact adjoint.
// One interpolation table per axis, threads over (image, channel) planes. Twins at the end.

/// For one output coordinate: the two source indices and the weight of the second.
struct LinearTap {
    var i0: Int, i1: Int, t: Float

    /// Taps for `outSize` outputs from `inSize` inputs: source `(o + 0.5) * in/out - 0.5`,
    /// clamped below at 0; the second index is clamped to the last input.
    static func table(inSize: Int, outSize: Int) -> [LinearTap] {
        let scale = Float(inSize) / Float(outSize)
        return (0..<outSize).map { o in
            let src = max(0, (Float(o) + 0.5) * scale - 0.5)
            let i0 = min(Int(src), inSize - 1)
            return LinearTap(i0: i0, i1: min(i0 + 1, inSize - 1), t: src - Float(i0))
        }
    }
}

/// Bilinear resize, `F.interpolate(x, size: (outH, outW), mode: "bilinear", align_corners: False)`.
///
/// x: `[n, c, h, w]`, y: `[n, c, outH, outW]` (overwritten).
public func bilinearResizeForward(
    n: Int, c: Int, h: Int, w: Int, outH: Int, outW: Int,
    x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
) {
    precondition(n >= 0 && c > 0 && h > 0 && w > 0 && outH > 0 && outW > 0, "bilinearResizeForward: bad sizes")
    let rows = LinearTap.table(inSize: h, outSize: outH)
    let cols = LinearTap.table(inSize: w, outSize: outW)
    ThreadPool.forRanges(n * c, minChunk: max(1, 4096 / (outH * outW))) { planes in
        for plane in planes {
            let xp = x + plane * h * w
            let yp = y + plane * outH * outW
            for (oy, r) in rows.enumerated() {
                let a = xp + r.i0 * w, b = xp + r.i1 * w
                let out = yp + oy * outW
                for (ox, q) in cols.enumerated() {
                    let top = a[q.i0] + q.t * (a[q.i1] - a[q.i0])
                    let bottom = b[q.i0] + q.t * (b[q.i1] - b[q.i0])
                    out[ox] = top + r.t * (bottom - top)
                }
            }
        }
    }
}

/// The exact adjoint (transpose) of `bilinearResizeForward`: each output gradient is spread onto
/// the four inputs it was read from, with the same weights.
///
/// dy: `[n, c, outH, outW]`, dx: `[n, c, h, w]` (overwritten).
public func bilinearResizeBackward(
    n: Int, c: Int, h: Int, w: Int, outH: Int, outW: Int,
    dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>
) {
    precondition(n >= 0 && c > 0 && h > 0 && w > 0 && outH > 0 && outW > 0, "bilinearResizeBackward: bad sizes")
    let rows = LinearTap.table(inSize: h, outSize: outH)
    let cols = LinearTap.table(inSize: w, outSize: outW)
    ThreadPool.forRanges(n * c, minChunk: max(1, 4096 / (outH * outW))) { planes in
        for plane in planes {
            let dxp = dx + plane * h * w
            let dyp = dy + plane * outH * outW
            dxp.update(repeating: 0, count: h * w)
            for (oy, r) in rows.enumerated() {
                let a = dxp + r.i0 * w, b = dxp + r.i1 * w
                for (ox, q) in cols.enumerated() {
                    let g = dyp[oy * outW + ox]
                    let gTop = g * (1 - r.t), gBottom = g * r.t
                    a[q.i0] += gTop * (1 - q.t)
                    a[q.i1] += gTop * q.t
                    b[q.i0] += gBottom * (1 - q.t)
                    b[q.i1] += gBottom * q.t
                }
            }
        }
    }
}

/// Source coordinate and the two taps of one output coordinate, in Double, for the twins.
private func referenceTap(_ o: Int, inSize: Int, outSize: Int) -> (i0: Int, i1: Int, t: Double) {
    let src = max(0, (Double(o) + 0.5) * Double(inSize) / Double(outSize) - 0.5)
    let i0 = min(Int(src.rounded(.down)), inSize - 1)
    return (i0, min(i0 + 1, inSize - 1), src - Double(i0))
}

/// Reference twin of `bilinearResizeForward`: the four-tap formula per output element.
public func bilinearResizeForwardReference(
    n: Int, c: Int, h: Int, w: Int, outH: Int, outW: Int,
    x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
) {
    for plane in 0..<(n * c) {
        for oy in 0..<outH {
            let r = referenceTap(oy, inSize: h, outSize: outH)
            for ox in 0..<outW {
                let q = referenceTap(ox, inSize: w, outSize: outW)
                func at(_ iy: Int, _ ix: Int) -> Double { Double(x[(plane * h + iy) * w + ix]) }
                let v = (1 - r.t) * ((1 - q.t) * at(r.i0, q.i0) + q.t * at(r.i0, q.i1))
                    + r.t * ((1 - q.t) * at(r.i1, q.i0) + q.t * at(r.i1, q.i1))
                y[(plane * outH + oy) * outW + ox] = Float(v)
            }
        }
    }
}

/// Reference twin of `bilinearResizeBackward`: accumulates in Double, then rounds once.
public func bilinearResizeBackwardReference(
    n: Int, c: Int, h: Int, w: Int, outH: Int, outW: Int,
    dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>
) {
    var acc = [Double](repeating: 0, count: h * w)
    for plane in 0..<(n * c) {
        for i in acc.indices { acc[i] = 0 }
        for oy in 0..<outH {
            let r = referenceTap(oy, inSize: h, outSize: outH)
            for ox in 0..<outW {
                let q = referenceTap(ox, inSize: w, outSize: outW)
                let g = Double(dy[(plane * outH + oy) * outW + ox])
                acc[r.i0 * w + q.i0] += g * (1 - r.t) * (1 - q.t)
                acc[r.i0 * w + q.i1] += g * (1 - r.t) * q.t
                acc[r.i1 * w + q.i0] += g * r.t * (1 - q.t)
                acc[r.i1 * w + q.i1] += g * r.t * q.t
            }
        }
        for i in acc.indices { dx[plane * h * w + i] = Float(acc[i]) }
    }
}
