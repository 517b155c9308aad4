// ModelSpec: which architecture to build, without weights. Distillation methods build fresh
// networks from it every iteration; the language's convnet()/mlp()/... return one.
import TensorCore

/// An architecture and its options, buildable for any input shape and class count.
public struct ModelSpec: Codable, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case convnet, mlp, lenet, alexnet, resnet18
        /// The DD reference's CIFAR network (LRN, padded max pools, three linear layers).
        case alexcifarnet
        /// VGG-11 of DatasetCondensation's networks.py (instance or batch norm).
        case vgg11
    }
    public var kind: Kind
    public var width: Int = 128
    public var depth: Int = 3
    public var norm: NormKind = .instance
    public var activation: Activation = .relu
    public var pooling: PoolKind = .avg
    /// How fresh weights are drawn.
    public var weights: WeightInit = .default

    public init(kind: Kind, width: Int = 128, depth: Int = 3, norm: NormKind = .instance,
                activation: Activation = .relu, pooling: PoolKind = .avg, weights: WeightInit = .default) {
        self.kind = kind
        self.width = width
        self.depth = depth
        self.norm = norm
        self.activation = activation
        self.pooling = pooling
        self.weights = weights
    }

    private enum CodingKeys: String, CodingKey { case kind, width, depth, norm, activation, pooling, weights }

    /// Specs written before `weights` existed decode with the default scheme.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        width = try c.decode(Int.self, forKey: .width)
        depth = try c.decode(Int.self, forKey: .depth)
        norm = try c.decode(NormKind.self, forKey: .norm)
        activation = try c.decode(Activation.self, forKey: .activation)
        pooling = try c.decode(PoolKind.self, forKey: .pooling)
        weights = try c.decodeIfPresent(WeightInit.self, forKey: .weights) ?? .default
    }

    /// ConvNet-3 with instance norm, ReLU and average pooling: the default network of
    /// DC, DSA, DM, MTT, IDC and DREAM.
    public static let convNet3 = ModelSpec(kind: .convnet)

    /// A freshly initialised model for images [c, h, w] and `classes` classes.
    public func build(imageShape: [Int], classes: Int, rng: inout SeededRNG) throws -> Model {
        let net = try buildArchitecture(imageShape: imageShape, classes: classes, rng: &rng)
        if weights != .default { try net.reinitialize(weights, rng: &rng) }
        return net
    }

    private func buildArchitecture(imageShape: [Int], classes: Int, rng: inout SeededRNG) throws -> Model {
        guard imageShape.count == 3 else { throw TensorError("model: image shape must be [c, h, w], got \(imageShape.shapeText)") }
        let (c, h, w) = (imageShape[0], imageShape[1], imageShape[2])
        switch kind {
        case .convnet:
            return try Model.convNet(channels: c, height: h, width: w, classes: classes, netWidth: width, depth: depth,
                                     norm: norm, activation: activation, pooling: pooling, rng: &rng)
        case .mlp: return try Model.mlp(channels: c, height: h, width: w, classes: classes, rng: &rng)
        case .lenet: return try Model.leNet(channels: c, height: h, width: w, classes: classes, rng: &rng)
        case .alexnet: return try Model.alexNet(channels: c, height: h, width: w, classes: classes, rng: &rng)
        case .alexcifarnet: return try Model.alexCifarNet(channels: c, height: h, width: w, classes: classes, rng: &rng)
        case .vgg11: return try Model.vgg11(channels: c, height: h, width: w, classes: classes, norm: norm == .batch ? .batch : .instance, rng: &rng)
        case .resnet18: return try Model.resNet18(channels: c, height: h, width: w, classes: classes, norm: norm == .batch ? .batch : .instance, rng: &rng)
        }
    }

    public var description: String {
        weights == .default ? architectureDescription : "\(architectureDescription) [\(weights.rawValue) weights]"
    }

    private var architectureDescription: String {
        switch kind {
        case .convnet:
            return "ConvNet(width: \(width), depth: \(depth), norm: \(norm.rawValue), act: \(activation.rawValue), pool: \(pooling.rawValue))"
        case .mlp: return "MLP"
        case .lenet: return "LeNet"
        case .alexnet: return "AlexNet"
        case .alexcifarnet: return "AlexCifarNet"
        case .resnet18: return norm == .batch ? "ResNet-18-BN" : "ResNet-18"
        case .vgg11: return norm == .batch ? "VGG-11-BN" : "VGG-11"
        }
    }
}
