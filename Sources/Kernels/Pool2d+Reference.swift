// Plain twins of the pooling kernels: one window at a time, straight from the definitions,
// sums in Double. No threads, no special cases.

/// Reference twin of `avgPool2dForward`.
public func avgPool2dForwardReference(_ g: Pool2dGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    for plane in 0..<(g.batch * g.channels) {
        for oy in 0..<oh {
            for ox in 0..<ow {
                var s = 0.0
                for i in 0..<g.kernel {
                    for j in 0..<g.kernel {
                        let iy = oy * g.stride - g.padding + i, ix = ox * g.stride - g.padding + j
                        if iy >= 0 && iy < g.height && ix >= 0 && ix < g.width {
                            s += Double(x[(plane * g.height + iy) * g.width + ix])
                        }
                    }
                }
                y[(plane * oh + oy) * ow + ox] = Float(s / Double(g.kernel * g.kernel))
            }
        }
    }
}

/// Reference twin of `avgPool2dBackward`.
public func avgPool2dBackwardReference(_ g: Pool2dGeometry, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    for plane in 0..<(g.batch * g.channels) {
        for iy in 0..<g.height {
            for ix in 0..<g.width {
                var s = 0.0
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let i = iy - (oy * g.stride - g.padding), j = ix - (ox * g.stride - g.padding)
                        if i >= 0 && i < g.kernel && j >= 0 && j < g.kernel {
                            s += Double(dy[(plane * oh + oy) * ow + ox])
                        }
                    }
                }
                dx[(plane * g.height + iy) * g.width + ix] = Float(s / Double(g.kernel * g.kernel))
            }
        }
    }
}

/// Reference twin of `maxPool2dForward`.
public func maxPool2dForwardReference(
    _ g: Pool2dGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
    indices: UnsafeMutablePointer<Int32>
) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    for plane in 0..<(g.batch * g.channels) {
        for oy in 0..<oh {
            for ox in 0..<ow {
                var best: Float? = nil
                var at = 0
                for i in 0..<g.kernel {
                    for j in 0..<g.kernel {
                        let iy = oy * g.stride - g.padding + i, ix = ox * g.stride - g.padding + j
                        if iy < 0 || iy >= g.height || ix < 0 || ix >= g.width { continue }
                        let v = x[(plane * g.height + iy) * g.width + ix]
                        if best == nil || v > best! || v.isNaN { best = v; at = iy * g.width + ix }
                    }
                }
                y[(plane * oh + oy) * ow + ox] = best!
                indices[(plane * oh + oy) * ow + ox] = Int32(at)
            }
        }
    }
}

/// Reference twin of `maxPool2dBackward`.
public func maxPool2dBackwardReference(
    _ g: Pool2dGeometry, dy: UnsafePointer<Float>, indices: UnsafePointer<Int32>,
    dx: UnsafeMutablePointer<Float>
) {
    let (hw, ohw) = (g.height * g.width, g.outHeight * g.outWidth)
    for plane in 0..<(g.batch * g.channels) {
        for e in 0..<hw {
            var s = 0.0
            for o in 0..<ohw where Int(indices[plane * ohw + o]) == e { s += Double(dy[plane * ohw + o]) }
            dx[plane * hw + e] = Float(s)
        }
    }
}
