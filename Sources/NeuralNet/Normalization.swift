// Normalisation layers as functions of Variables: group norm (instance norm is GroupNorm(C, C)),
// layer norm, and batch norm with running statistics. Composed of differentiable ops, so
// gradient matching can differentiate through them twice.
import Autograd
import TensorCore

let normEpsilon: Float = 1e-5

/// GroupNorm over x [n, c, h, w] with `groups` groups, then per-channel affine (fused kernel).
public func groupNorm(_ x: Variable, groups: Int, weight: Variable?, bias: Variable?) throws -> Variable {
    try Variable.groupNorm(x, groups: groups, weight: weight, bias: bias, eps: normEpsilon)
}

/// LayerNorm over the [c, h, w] features of each sample, elementwise affine.
public func layerNorm(_ x: Variable, weight: Variable?, bias: Variable?) throws -> Variable {
    let s = x.shape
    let flat = try x.reshape([s[0], -1])
    let mean = try flat.mean(axes: [1], keepDims: true)
    let centred = try flat - mean
    let variance = try (centred * centred).mean(axes: [1], keepDims: true)
    var y = try (centred / (variance + normEpsilon).sqrt()).reshape(s)
    let affine = Array(s.dropFirst())
    if let weight { y = try y * weight.reshape([1] + affine) }
    if let bias { y = try y + bias.reshape([1] + affine) }
    return y
}

/// How batch norm treats statistics.
public enum BatchNormMode: Sendable {
    /// Normalise with batch statistics and update the running ones (momentum 0.1).
    case train
    /// Normalise with the running statistics (also "frozen" statistics in DC).
    case eval
}

/// BatchNorm2d over x [n, c, h, w]; in `.train` updates `runningMean`/`runningVar` in place
/// (unbiased variance, as PyTorch).
public func batchNorm(
    _ x: Variable, weight: Variable?, bias: Variable?, runningMean: inout Tensor, runningVar: inout Tensor,
    mode: BatchNormMode, momentum: Float = 0.1
) throws -> Variable {
    let s = x.shape
    guard s.count == 4 else { throw TensorError("batch_norm: input must be [n, c, h, w], got \(s.shapeText)") }
    let c = s[1]
    var y: Variable
    switch mode {
    case .train:
        let m = s[0] * s[2] * s[3]
        guard m > 1 else { throw TensorError("batch_norm: needs more than one value per channel in training, got \(s.shapeText)") }
        let mean = try x.mean(axes: [0, 2, 3], keepDims: true)
        let centred = try x - mean
        let variance = try (centred * centred).mean(axes: [0, 2, 3], keepDims: true)
        y = try centred / (variance + normEpsilon).sqrt()
        let bm = try mean.value.reshaped([c]), bv = try variance.value.reshaped([c]) * (Float(m) / Float(m - 1))
        runningMean = try runningMean * (1 - momentum) + bm * momentum
        runningVar = try runningVar * (1 - momentum) + bv * momentum
    case .eval:
        let mean = Variable(try runningMean.reshaped([1, c, 1, 1]))
        let inv = Variable(try (runningVar + normEpsilon).sqrt().reshaped([1, c, 1, 1]))
        y = try (x - mean) / inv
    }
    if let weight { y = try y * weight.reshape([1, c, 1, 1]) }
    if let bias { y = try y + bias.reshape([1, c, 1, 1]) }
    return y
}
