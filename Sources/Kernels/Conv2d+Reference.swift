// Plain direct-loop twins of the convolution kernels, accumulating in Double: the algorithmic
// reference that tests compare the fast paths with. No threads, no SIMD, no tricks.

/// Reference twin of `conv2dForward`: the defining sum, one output element at a time.
public func conv2dForwardReference(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>
) {
    // x: [n, c, h, w], weight: [oc, c, kh, kw], y: [n, oc, oh, ow]
    let (oh, ow) = (g.outHeight, g.outWidth)
    for b in 0..<g.batch {
        for o in 0..<g.outChannels {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var s = bias.map { Double($0[o]) } ?? 0
                    for c in 0..<g.inChannels {
                        for i in 0..<g.kernelH {
                            let iy = oy * g.stride - g.padding + i
                            if iy < 0 || iy >= g.height { continue }
                            for j in 0..<g.kernelW {
                                let ix = ox * g.stride - g.padding + j
                                if ix < 0 || ix >= g.width { continue }
                                let xv = x[((b * g.inChannels + c) * g.height + iy) * g.width + ix]
                                let wv = weight[((o * g.inChannels + c) * g.kernelH + i) * g.kernelW + j]
                                s += Double(xv) * Double(wv)
                            }
                        }
                    }
                    y[((b * g.outChannels + o) * oh + oy) * ow + ox] = Float(s)
                }
            }
        }
    }
}

/// Reference twin of `conv2dBackwardInput`: for every input element, the sum over the output
/// elements whose window covers it.
public func conv2dBackwardInputReference(
    _ g: Conv2dGeometry, dy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    dx: UnsafeMutablePointer<Float>
) {
    // dy: [n, oc, oh, ow], weight: [oc, c, kh, kw], dx: [n, c, h, w]
    let (oh, ow) = (g.outHeight, g.outWidth)
    for b in 0..<g.batch {
        for c in 0..<g.inChannels {
            for iy in 0..<g.height {
                for ix in 0..<g.width {
                    var s = 0.0
                    for o in 0..<g.outChannels {
                        for i in 0..<g.kernelH {
                            let ty = iy + g.padding - i
                            if ty < 0 || ty % g.stride != 0 || ty / g.stride >= oh { continue }
                            for j in 0..<g.kernelW {
                                let tx = ix + g.padding - j
                                if tx < 0 || tx % g.stride != 0 || tx / g.stride >= ow { continue }
                                let d = dy[((b * g.outChannels + o) * oh + ty / g.stride) * ow + tx / g.stride]
                                let wv = weight[((o * g.inChannels + c) * g.kernelH + i) * g.kernelW + j]
                                s += Double(d) * Double(wv)
                            }
                        }
                    }
                    dx[((b * g.inChannels + c) * g.height + iy) * g.width + ix] = Float(s)
                }
            }
        }
    }
}

/// Reference twin of `conv2dBackwardWeight`: each weight's gradient summed over the whole batch
/// and every output position, and each bias's gradient summed over the same.
public func conv2dBackwardWeightReference(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
    dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>?
) {
    // x: [n, c, h, w], dy: [n, oc, oh, ow], dweight: [oc, c, kh, kw], dbias: [oc]
    let (oh, ow) = (g.outHeight, g.outWidth)
    for o in 0..<g.outChannels {
        for c in 0..<g.inChannels {
            for i in 0..<g.kernelH {
                for j in 0..<g.kernelW {
                    var s = 0.0
                    for b in 0..<g.batch {
                        for oy in 0..<oh {
                            let iy = oy * g.stride - g.padding + i
                            if iy < 0 || iy >= g.height { continue }
                            for ox in 0..<ow {
                                let ix = ox * g.stride - g.padding + j
                                if ix < 0 || ix >= g.width { continue }
                                let xv = x[((b * g.inChannels + c) * g.height + iy) * g.width + ix]
                                let d = dy[((b * g.outChannels + o) * oh + oy) * ow + ox]
                                s += Double(xv) * Double(d)
                            }
                        }
                    }
                    dweight[((o * g.inChannels + c) * g.kernelH + i) * g.kernelW + j] = Float(s)
                }
            }
        }
        if let dbias {
            var s = 0.0
            for b in 0..<g.batch {
                let plane = dy + (b * g.outChannels + o) * oh * ow
                for p in 0..<(oh * ow) { s += Double(plane[p]) }
            }
            dbias[o] = Float(s)
        }
    }
}
