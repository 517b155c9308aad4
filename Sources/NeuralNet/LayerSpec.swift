// The description of one layer: what it computes and which parameters it has. Plain data
// (Codable), so a model's architecture can be saved and rebuilt; the maths is in Model.swift.
import TensorCore

/// Normalisation after a convolution.
public enum NormKind: String, Codable, Sendable, CaseIterable {
    /// GroupNorm(C, C) with affine parameters, as the reference ConvNet's "instancenorm".
    case instance
    /// BatchNorm2d with running statistics (momentum 0.1).
    case batch
    /// LayerNorm over [C, H, W] with elementwise affine parameters.
    case layer
    /// GroupNorm(4, C) with affine parameters, as the reference ConvNet's "groupnorm".
    case group
    case none
}

public enum Activation: String, Codable, Sendable, CaseIterable {
    case relu, sigmoid, leakyrelu, swish, tanh
}

/// How a fresh network's convolution and linear weights are drawn (norm layers always start at
/// scale 1, shift 0).
public enum WeightInit: String, Codable, Sendable, CaseIterable {
    /// PyTorch's default: uniform within 1/sqrt(fan_in) for weights and biases.
    case `default`
    /// Xavier-normal weights, N(0, 2 / (fan_in + fan_out)), and zero biases: the DD reference's
    /// initialisation (`init_weights(..., 'xavier', 1.0)`).
    case xavier
}

public enum PoolKind: String, Codable, Sendable, CaseIterable {
    case avg, max, none
}

/// One layer of a sequential model.
public indirect enum LayerSpec: Codable, Equatable, Sendable {
    case conv2d(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int, bias: Bool)
    case linear(inFeatures: Int, outFeatures: Int, bias: Bool)
    /// Normalisation over `channels` of a [n, c, h, w] input with spatial size h x w.
    case norm(NormKind, channels: Int, height: Int, width: Int)
    case activation(Activation)
    /// Pooling without padding.
    case pool(PoolKind, kernel: Int, stride: Int)
    /// Pooling with `padding` on every side, as PyTorch pads: minus infinity for max (padding
    /// never wins), zeros counted in the divisor for average. A case of its own so that saved
    /// `pool` layers keep their encoding.
    case paddedPool(PoolKind, kernel: Int, stride: Int, padding: Int)
    /// Local response normalisation across channels, as PyTorch's LocalResponseNorm:
    /// b_c = a_c / (k + alpha / size * sum of a_c'^2 over c' in c - size/2 ... c + (size - 1)/2)^beta.
    case localResponseNorm(size: Int, alpha: Float, beta: Float, k: Float)
    case flatten
    /// ResNet basic block: conv3x3(stride) -> norm -> relu -> conv3x3 -> norm, plus a shortcut
    /// (1x1 conv(stride) -> norm when the shape changes), then relu.
    case basicBlock(inChannels: Int, outChannels: Int, stride: Int, norm: NormKind, height: Int, width: Int)

    /// Parameters in order: name suffix and shape.
    public var parameterShapes: [(String, [Int])] {
        switch self {
        case let .conv2d(i, o, k, _, _, bias):
            return [("weight", [o, i, k, k])] + (bias ? [("bias", [o])] : [])
        case let .linear(i, o, bias):
            return [("weight", [o, i])] + (bias ? [("bias", [o])] : [])
        case let .norm(kind, c, h, w):
            switch kind {
            case .none: return []
            case .layer: return [("weight", [c, h, w]), ("bias", [c, h, w])]
            default: return [("weight", [c]), ("bias", [c])]
            }
        case let .basicBlock(i, o, s, norm, h, w):
            let oh = (h - 1) / s + 1, ow = (w - 1) / s + 1
            var p: [(String, [Int])] = [("conv1.weight", [o, i, 3, 3])]
            p += LayerSpec.norm(norm, channels: o, height: oh, width: ow).parameterShapes.map { ("bn1." + $0.0, $0.1) }
            p += [("conv2.weight", [o, o, 3, 3])]
            p += LayerSpec.norm(norm, channels: o, height: oh, width: ow).parameterShapes.map { ("bn2." + $0.0, $0.1) }
            if s != 1 || i != o {
                p += [("shortcut.weight", [o, i, 1, 1])]
                p += LayerSpec.norm(norm, channels: o, height: oh, width: ow).parameterShapes.map { ("shortcut_bn." + $0.0, $0.1) }
            }
            return p
        case .activation, .pool, .paddedPool, .localResponseNorm, .flatten:
            return []
        }
    }

    /// Running-statistics buffers (batch norm: mean and variance per channel), in order.
    public var bufferShapes: [[Int]] {
        switch self {
        case let .norm(.batch, c, _, _): return [[c], [c]]
        case let .basicBlock(i, o, s, .batch, _, _):
            return s != 1 || i != o ? Array(repeating: [o], count: 6) : Array(repeating: [o], count: 4)
        default: return []
        }
    }

    /// Fresh parameters under `scheme` (see `WeightInit`); norm scales 1 and shifts 0 either way.
    public func initialParameters(_ scheme: WeightInit = .default, rng: inout SeededRNG) throws -> [Tensor] {
        try parameterShapes.map { name, shape in
            if name.hasSuffix("weight") && (name.contains("bn") || isNorm) {
                return try Tensor.ones(shape)
            }
            if name.hasSuffix("bias") && (name.contains("bn") || isNorm) {
                return try Tensor.zeros(shape)
            }
            let fanIn = fanInFor(name: name, shape: shape)
            switch scheme {
            case .default:
                let bound = 1 / Float(Swift.max(fanIn, 1)).squareRoot()
                return try Tensor.rand(shape, lo: -bound, hi: bound, rng: &rng)
            case .xavier:
                if shape.count == 1 { return try Tensor.zeros(shape) }
                // fan_out as PyTorch counts it: output channels times the kernel's area.
                let fanOut = shape[0] * shape.dropFirst(2).reduce(1, *)
                let std = (2 / Float(Swift.max(fanIn + fanOut, 1))).squareRoot()
                return try Tensor.randn(shape, std: std, rng: &rng)
            }
        }
    }

    public func initialBuffers() throws -> [Tensor] {
        try bufferShapes.enumerated().map { i, s in i % 2 == 0 ? try Tensor.zeros(s) : try Tensor.ones(s) }
    }

    private var isNorm: Bool { if case .norm = self { return true } else { return false } }

    private func fanInFor(name: String, shape: [Int]) -> Int {
        switch self {
        case let .conv2d(i, _, k, _, _, _): return i * k * k
        case let .linear(i, _, _): return i
        case let .basicBlock(i, o, _, _, _, _):
            if name.hasPrefix("conv1") || name.hasPrefix("shortcut") { return name.hasPrefix("shortcut") ? i : i * 9 }
            return o * 9
        default: return shape.dropFirst().reduce(1, *)
        }
    }
}
