// Fused group normalisation (instance norm is GroupNorm(C, C)): forward with saved statistics
// and the first-order backward, plus plain reference twins. Second-order gradients go through
// Autograd's composite form instead (see Variable+Norm.swift).

/// Geometry of a group norm over x [n, c, h, w] with `groups` groups.
public struct GroupNormGeometry: Equatable, Sendable {
    public var batch, channels, spatial, groups: Int
    public init(batch: Int, channels: Int, spatial: Int, groups: Int) {
        precondition(groups > 0 && channels % groups == 0)
        self.batch = batch; self.channels = channels; self.spatial = spatial; self.groups = groups
    }
    /// Elements per (sample, group).
    public var groupSize: Int { channels / groups * spatial }
}

/// y = (x - mean) * rstd * gamma[c] + beta[c] per (sample, group); writes mean and rstd [n * groups].
/// x, y: [n, c, h, w]; gamma, beta: [c] or nil. With `relu`, y = max(0, ...) in the same pass
/// (the no-gradient path of conv -> norm -> relu blocks).
public func groupNormForward(_ g: GroupNormGeometry, x: UnsafePointer<Float>, gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
                             eps: Float, y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                             relu: Bool = false) {
    let cpg = g.channels / g.groups, hw = g.spatial, size = g.groupSize
    ThreadPool.forRanges(g.batch * g.groups, minChunk: max(1, 16_384 / max(size, 1))) { r in
        for ng in r {
            let base = ng * size
            // Two-pass statistics (mean, then squared deviations) with 16-lane accumulators.
            let m = Double(vectorSum(x + base, size)) / Double(size)
            let v = Double(vectorSquaredDeviation(x + base, size, Float(m)))
            let rs = Float(1 / (v / Double(size) + Double(eps)).squareRoot())
            let mf = Float(m)
            mean[ng] = mf
            rstd[ng] = rs
            let group = ng % g.groups
            for k in 0..<cpg {
                let ch = group * cpg + k
                let scale = rs * (gamma?[ch] ?? 1), shift = (beta?[ch] ?? 0) - mf * scale
                let o = base + k * hw
                if relu {
                    for i in 0..<hw { y[o + i] = max(0, x[o + i] * scale + shift) }
                } else {
                    for i in 0..<hw { y[o + i] = x[o + i] * scale + shift }
                }
            }
        }
    }
}

/// First-order backward of `groupNormForward`: dx [n, c, h, w] (overwritten), and dgamma/dbeta
/// [c] (overwritten) when not nil. Sums over the batch are combined in batch order.
public func groupNormBackward(_ g: GroupNormGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, gamma: UnsafePointer<Float>?,
                              mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                              dx: UnsafeMutablePointer<Float>, dgamma: UnsafeMutablePointer<Float>?, dbeta: UnsafeMutablePointer<Float>?) {
    let cpg = g.channels / g.groups, hw = g.spatial, size = g.groupSize, c = g.channels
    // Per-sample partial sums of dy * xhat and dy per channel, [n, c] each.
    let partialG = UnsafeMutablePointer<Float>.allocate(capacity: g.batch * c)
    let partialB = UnsafeMutablePointer<Float>.allocate(capacity: g.batch * c)
    defer { partialG.deallocate(); partialB.deallocate() }
    ThreadPool.forRanges(g.batch * g.groups, minChunk: max(1, 16_384 / max(size, 1))) { r in
        for ng in r {
            let n = ng / g.groups, group = ng % g.groups
            let base = ng * size
            let m = mean[ng], rs = rstd[ng]
            // Sums over the group of dxhat and dxhat * xhat, where dxhat = dy * gamma.
            var sumD: Float = 0, sumDX: Float = 0
            for k in 0..<cpg {
                let ch = group * cpg + k
                let gm = gamma?[ch] ?? 1
                let o = base + k * hw
                var sg: Float = 0, sb: Float = 0
                for i in 0..<hw {
                    let xh = (x[o + i] - m) * rs
                    let d = dy[o + i]
                    sg += d * xh
                    sb += d
                }
                partialG[n * c + ch] = sg
                partialB[n * c + ch] = sb
                sumD += sb * gm
                sumDX += sg * gm
            }
            let invN = 1 / Float(size)
            let a = sumD * invN, b = sumDX * invN
            for k in 0..<cpg {
                let ch = group * cpg + k
                let gm = gamma?[ch] ?? 1
                let o = base + k * hw
                for i in 0..<hw {
                    let xh = (x[o + i] - m) * rs
                    dx[o + i] = rs * (dy[o + i] * gm - a - xh * b)
                }
            }
        }
    }
    if let dgamma {
        for ch in 0..<c { var s: Float = 0; for n in 0..<g.batch { s += partialG[n * c + ch] }; dgamma[ch] = s }
    }
    if let dbeta {
        for ch in 0..<c { var s: Float = 0; for n in 0..<g.batch { s += partialB[n * c + ch] }; dbeta[ch] = s }
    }
}

/// Sum of n floats with 16-lane accumulators.
@inline(__always)
func vectorSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 16 <= n {
        acc += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        i += 16
    }
    var s = acc.sum()
    while i < n { s += p[i]; i += 1 }
    return s
}

/// Sum of (x - m)^2 over n floats with 16-lane accumulators.
@inline(__always)
func vectorSquaredDeviation(_ p: UnsafePointer<Float>, _ n: Int, _ m: Float) -> Float {
    var acc = SIMD16<Float>()
    let mv = SIMD16<Float>(repeating: m)
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 16 <= n {
        let d = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - mv
        acc += d * d
        i += 16
    }
    var s = acc.sum()
    while i < n { let d = p[i] - m; s += d * d; i += 1 }
    return s
}

/// Reference twin of `groupNormForward` (Double throughout).
public func groupNormForwardReference(_ g: GroupNormGeometry, x: UnsafePointer<Float>, gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
                                      eps: Float, y: UnsafeMutablePointer<Float>) {
    let cpg = g.channels / g.groups, hw = g.spatial, size = g.groupSize
    for ng in 0..<(g.batch * g.groups) {
        let base = ng * size
        var m = 0.0
        for i in 0..<size { m += Double(x[base + i]) }
        m /= Double(size)
        var v = 0.0
        for i in 0..<size { v += (Double(x[base + i]) - m) * (Double(x[base + i]) - m) }
        v /= Double(size)
        for k in 0..<cpg {
            let ch = (ng % g.groups) * cpg + k
            for i in 0..<hw {
                let o = base + k * hw + i
                let xh = (Double(x[o]) - m) / (v + Double(eps)).squareRoot()
                y[o] = Float(xh * Double(gamma?[ch] ?? 1) + Double(beta?[ch] ?? 0))
            }
        }
    }
}
