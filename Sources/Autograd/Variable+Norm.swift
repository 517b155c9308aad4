// Group normalisation on Variables: a fused forward and first-order backward (Kernels), and,
// when the gradient itself must be differentiable (createGraph), the same maths composed
// from elementary ops so second derivatives are exact.
import Kernels
import TensorCore

extension Variable {
    /// GroupNorm over x [n, c, h, w] with `groups` groups, then per-channel affine
    /// (instance norm when groups == c, as the reference ConvNet's "instancenorm").
    public static func groupNorm(_ x: Variable, groups: Int, weight: Variable?, bias: Variable?, eps: Float = 1e-5) throws -> Variable {
        try groupNorm(x, groups: groups, weight: weight, bias: bias, eps: eps, fusedRelu: false)
    }

    /// relu(groupNorm(x)) in one pass when nothing needs a gradient; otherwise the two ops.
    public static func groupNormRelu(_ x: Variable, groups: Int, weight: Variable?, bias: Variable?, eps: Float = 1e-5) throws -> Variable {
        let recording = GradMode.isEnabled && (x.requiresGrad || weight?.requiresGrad == true || bias?.requiresGrad == true)
        if recording { return try groupNorm(x, groups: groups, weight: weight, bias: bias, eps: eps).relu() }
        return try groupNorm(x, groups: groups, weight: weight, bias: bias, eps: eps, fusedRelu: true)
    }

    static func groupNorm(_ x: Variable, groups: Int, weight: Variable?, bias: Variable?, eps: Float, fusedRelu: Bool) throws -> Variable {
        let s = x.shape
        guard s.count == 4, groups > 0, s[1] % groups == 0 else {
            throw TensorError("group_norm: input \(s.shapeText) cannot be split into \(groups) groups")
        }
        let c = s[1]
        for (name, p) in [("weight", weight), ("bias", bias)] {
            if let p, p.shape != [c] { throw TensorError("group_norm: \(name) must be [\(c)], got \(p.shape.shapeText)") }
        }
        let geo = GroupNormGeometry(batch: s[0], channels: c, spatial: s[2] * s[3], groups: groups)
        var mean = [Float](repeating: 0, count: s[0] * groups), rstd = mean
        let xv = x.value
        let y = xv.data.withUnsafeBufferPointer { xp in
            Tensor(uninitializedShape: s) { yp in
                withOptionalPointer(weight?.value) { gp in
                    withOptionalPointer(bias?.value) { bp in
                        mean.withUnsafeMutableBufferPointer { mp in
                            rstd.withUnsafeMutableBufferPointer { rp in
                                groupNormForward(geo, x: xp.baseAddress!, gamma: gp, beta: bp, eps: eps, y: yp.baseAddress!,
                                                 mean: mp.baseAddress!, rstd: rp.baseAddress!, relu: fusedRelu)
                            }
                        }
                    }
                }
            }
        }
        var inputs = [x]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        return record("group_norm", y, inputs) { g, needs in
            if GradMode.isEnabled {
                // Differentiable gradient (createGraph): the backward formula in elementary ops,
                // differentiable in both the input and the incoming gradient.
                let r = try groupNormBackwardComposite(x, g, groups: groups, weight: weight, hasBias: bias != nil, eps: eps)
                return zip(r, needs).map { $1 ? $0 : nil }
            }
            var dx = [Float](repeating: 0, count: xv.count)
            var dgamma = weight.map { _ in [Float](repeating: 0, count: c) }
            var dbeta = [Float](repeating: 0, count: c)
            xv.data.withUnsafeBufferPointer { xp in
                g.value.data.withUnsafeBufferPointer { dyp in
                    withOptionalPointer(weight?.value) { gp in
                        mean.withUnsafeBufferPointer { mp in
                            rstd.withUnsafeBufferPointer { rp in
                                dx.withUnsafeMutableBufferPointer { dxp in
                                    dbeta.withUnsafeMutableBufferPointer { dbp in
                                        if dgamma != nil {
                                            dgamma!.withUnsafeMutableBufferPointer { dgp in
                                                groupNormBackward(geo, x: xp.baseAddress!, dy: dyp.baseAddress!, gamma: gp, mean: mp.baseAddress!,
                                                                  rstd: rp.baseAddress!, dx: dxp.baseAddress!, dgamma: dgp.baseAddress!, dbeta: dbp.baseAddress!)
                                            }
                                        } else {
                                            groupNormBackward(geo, x: xp.baseAddress!, dy: dyp.baseAddress!, gamma: gp, mean: mp.baseAddress!,
                                                              rstd: rp.baseAddress!, dx: dxp.baseAddress!, dgamma: nil, dbeta: dbp.baseAddress!)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var out: [Variable?] = [Variable(Tensor(unchecked: s, data: dx))]
            if let dgamma { out.append(Variable(Tensor(unchecked: [c], data: dgamma))) }
            if bias != nil { out.append(Variable(Tensor(unchecked: [c], data: dbeta))) }
            return zip(out, needs).map { $1 ? $0 : nil }
        }
    }

    /// The same normalisation composed of elementary differentiable ops (the twin used for
    /// second-order gradients and in tests).
    public static func groupNormComposite(_ x: Variable, groups: Int, weight: Variable?, bias: Variable?, eps: Float = 1e-5) throws -> Variable {
        let s = x.shape
        let (n, c, h, w) = (s[0], s[1], s[2], s[3])
        let grouped = try x.reshape([n, groups, (c / groups) * h * w])
        let mean = try grouped.mean(axes: [2], keepDims: true)
        let centred = try grouped - mean
        let variance = try (centred * centred).mean(axes: [2], keepDims: true)
        var y = try (centred / (variance + eps).sqrt()).reshape(s)
        if let weight { y = try y * weight.reshape([1, c, 1, 1]) }
        if let bias { y = try y + bias.reshape([1, c, 1, 1]) }
        return y
    }
}

/// Gradients of group norm with respect to (x, weight?, bias?) given the output gradient g,
/// written in differentiable ops: dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)).
func groupNormBackwardComposite(_ x: Variable, _ g: Variable, groups: Int, weight: Variable?, hasBias: Bool, eps: Float) throws -> [Variable] {
    let s = x.shape
    let (n, c) = (s[0], s[1])
    let k = s.dropFirst().reduce(1, *) / groups
    let grouped = try x.reshape([n, groups, k])
    let centred = try grouped - grouped.mean(axes: [2], keepDims: true)
    let rstd = try ((centred * centred).mean(axes: [2], keepDims: true) + eps).pow(-0.5)
    let xhat = try centred * rstd
    let scaled = try weight.map { try g * $0.reshape([1, c, 1, 1]) } ?? g
    let dxhat = try scaled.reshape([n, groups, k])
    let a = try dxhat.mean(axes: [2], keepDims: true)
    let b = try (dxhat * xhat).mean(axes: [2], keepDims: true)
    var out = [try (rstd * (dxhat - a - xhat * b)).reshape(s)]
    if weight != nil { out.append(try (g * xhat.reshape(s)).sum(axes: [0, 2, 3])) }
    if hasBias { out.append(try g.sum(axes: [0, 2, 3])) }
    return out
}

/// Calls `body` with the tensor's storage, or nil.
func withOptionalPointer<R>(_ t: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let t else { return body(nil) }
    return t.data.withUnsafeBufferPointer { body($0.baseAddress!) }
}
