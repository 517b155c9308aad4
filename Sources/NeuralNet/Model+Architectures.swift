// The architectures of the dataset-distillation literature, built as the reference code
// (DatasetCondensation networks.py, see REFERENCE.md §2.1) builds them: ConvNet and its
// width/depth/norm/activation/pooling variants, MLP, LeNet, AlexNet (small CIFAR variant), VGG-11, ResNet-18;
// and AlexCifarNet as the DD reference (Wang et al. 2018, networks.py) builds it.
import TensorCore

extension Model {
    /// ConvNet-D/W: `depth` blocks of conv3x3 -> norm -> activation -> 2x2 pool, then a linear
    /// head. Single-channel 28x28 input gets padding 3 on the first conv so it acts as 32x32.
    public static func convNet(
        channels: Int, height: Int, width: Int, classes: Int,
        netWidth: Int = 128, depth: Int = 3, norm: NormKind = .instance,
        activation: Activation = .relu, pooling: PoolKind = .avg, rng: inout SeededRNG
    ) throws -> Model {
        try checkInput(channels, height, width, classes)
        guard netWidth >= 1, depth >= 1 else { throw TensorError("convnet: width and depth must be positive, got \(netWidth), \(depth)") }
        var layers: [LayerSpec] = []
        var c = channels, h = height, w = width
        for d in 0..<depth {
            let pad = (d == 0 && channels == 1 && height == 28) ? 3 : 1
            layers.append(.conv2d(inChannels: c, outChannels: netWidth, kernel: 3, stride: 1, padding: pad, bias: true))
            h = h + 2 * pad - 2
            w = w + 2 * pad - 2
            c = netWidth
            if norm != .none { layers.append(.norm(norm, channels: c, height: h, width: w)) }
            layers.append(.activation(activation))
            if pooling != .none {
                guard h >= 2, w >= 2 else { throw TensorError("convnet: depth \(depth) pools a \(height)x\(width) image below 1x1") }
                layers.append(.pool(pooling, kernel: 2, stride: 2))
                h /= 2
                w /= 2
            }
        }
        layers.append(.flatten)
        let features = layers.count
        layers.append(.linear(inFeatures: c * h * w, outFeatures: classes, bias: true))
        let name = depth == 3 && netWidth == 128 ? "ConvNet-3" : "ConvNet-D\(depth)W\(netWidth)"
        return try Model(name: name, layers: layers, featureLayers: features,
                         inputShape: [channels, height, width], classes: classes, rng: &rng)
    }

    /// MLP: two hidden layers of 128 with ReLU.
    public static func mlp(channels: Int, height: Int, width: Int, classes: Int, hidden: Int = 128, rng: inout SeededRNG) throws -> Model {
        try checkInput(channels, height, width, classes)
        let layers: [LayerSpec] = [
            .flatten,
            .linear(inFeatures: channels * height * width, outFeatures: hidden, bias: true), .activation(.relu),
            .linear(inFeatures: hidden, outFeatures: hidden, bias: true), .activation(.relu),
            .linear(inFeatures: hidden, outFeatures: classes, bias: true),
        ]
        return try Model(name: "MLP", layers: layers, featureLayers: 5, inputShape: [channels, height, width], classes: classes, rng: &rng)
    }

    /// LeNet-5: conv5 (6) -> relu -> maxpool -> conv5 (16) -> relu -> maxpool -> 120 -> 84 -> classes.
    public static func leNet(channels: Int, height: Int, width: Int, classes: Int, rng: inout SeededRNG) throws -> Model {
        try checkInput(channels, height, width, classes)
        let pad = channels == 1 ? 2 : 0
        let h1 = (height + 2 * pad - 4) / 2, w1 = (width + 2 * pad - 4) / 2
        let h2 = (h1 - 4) / 2, w2 = (w1 - 4) / 2
        guard h2 >= 1, w2 >= 1 else { throw TensorError("lenet: input \(height)x\(width) is too small") }
        let layers: [LayerSpec] = [
            .conv2d(inChannels: channels, outChannels: 6, kernel: 5, stride: 1, padding: pad, bias: true), .activation(.relu), .pool(.max, kernel: 2, stride: 2),
            .conv2d(inChannels: 6, outChannels: 16, kernel: 5, stride: 1, padding: 0, bias: true), .activation(.relu), .pool(.max, kernel: 2, stride: 2),
            .flatten,
            .linear(inFeatures: 16 * h2 * w2, outFeatures: 120, bias: true), .activation(.relu),
            .linear(inFeatures: 120, outFeatures: 84, bias: true), .activation(.relu),
            .linear(inFeatures: 84, outFeatures: classes, bias: true),
        ]
        return try Model(name: "LeNet", layers: layers, featureLayers: 11, inputShape: [channels, height, width], classes: classes, rng: &rng)
    }

    /// AlexNet, the small CIFAR variant of the reference code (5 convs, 3 max pools, one linear).
    public static func alexNet(channels: Int, height: Int, width: Int, classes: Int, rng: inout SeededRNG) throws -> Model {
        try checkInput(channels, height, width, classes)
        let pad = channels == 1 ? 4 : 2
        var h = height + 2 * pad - 4, w = width + 2 * pad - 4
        h /= 2; w /= 2
        h /= 2; w /= 2
        h /= 2; w /= 2
        guard h >= 1, w >= 1 else { throw TensorError("alexnet: input \(height)x\(width) is too small") }
        let layers: [LayerSpec] = [
            .conv2d(inChannels: channels, outChannels: 128, kernel: 5, stride: 1, padding: pad, bias: true), .activation(.relu), .pool(.max, kernel: 2, stride: 2),
            .conv2d(inChannels: 128, outChannels: 192, kernel: 5, stride: 1, padding: 2, bias: true), .activation(.relu), .pool(.max, kernel: 2, stride: 2),
            .conv2d(inChannels: 192, outChannels: 256, kernel: 3, stride: 1, padding: 1, bias: true), .activation(.relu),
            .conv2d(inChannels: 256, outChannels: 192, kernel: 3, stride: 1, padding: 1, bias: true), .activation(.relu),
            .conv2d(inChannels: 192, outChannels: 192, kernel: 3, stride: 1, padding: 1, bias: true), .activation(.relu), .pool(.max, kernel: 2, stride: 2),
            .flatten,
            .linear(inFeatures: 192 * h * w, outFeatures: classes, bias: true),
        ]
        return try Model(name: "AlexNet", layers: layers, featureLayers: 16, inputShape: [channels, height, width], classes: classes, rng: &rng)
    }

    /// AlexCifarNet, the DD reference's CIFAR network: conv5 (64) -> relu -> maxpool 3/2 pad 1 ->
    /// LRN -> conv5 (64) -> relu -> LRN -> maxpool 3/2 pad 1, then 384 -> 192 -> classes.
    /// The convolutions keep the size and each pool maps h to (h - 1) / 2 + 1, so any input of
    /// at least 1x1 works: 32x32 gives 64 x 8 x 8 = 4,096 features.
    public static func alexCifarNet(channels: Int, height: Int, width: Int, classes: Int, rng: inout SeededRNG) throws -> Model {
        try checkInput(channels, height, width, classes)
        let pooled = { (size: Int) in (size - 1) / 2 + 1 }  // floor((size + 2 - 3) / 2) + 1
        let h = pooled(pooled(height)), w = pooled(pooled(width))
        // The reference's LocalResponseNorm(4, alpha=0.001 / 9.0, beta=0.75, k=1).
        let lrn = LayerSpec.localResponseNorm(size: 4, alpha: Float(0.001 / 9.0), beta: 0.75, k: 1)
        let pool = LayerSpec.paddedPool(.max, kernel: 3, stride: 2, padding: 1)
        let layers: [LayerSpec] = [
            .conv2d(inChannels: channels, outChannels: 64, kernel: 5, stride: 1, padding: 2, bias: true), .activation(.relu), pool, lrn,
            .conv2d(inChannels: 64, outChannels: 64, kernel: 5, stride: 1, padding: 2, bias: true), .activation(.relu), lrn, pool,
            .flatten,
            .linear(inFeatures: 64 * h * w, outFeatures: 384, bias: true), .activation(.relu),
            .linear(inFeatures: 384, outFeatures: 192, bias: true), .activation(.relu),
            .linear(inFeatures: 192, outFeatures: classes, bias: true),
        ]
        return try Model(name: "AlexCifarNet", layers: layers, featureLayers: 13, inputShape: [channels, height, width], classes: classes, rng: &rng)
    }

    /// ResNet-18 for small images: conv3x3 (64) -> norm -> relu, four stages of two basic blocks
    /// (64, 128, 256, 512; strides 1, 2, 2, 2), 4x4 average pool, linear head.
    public static func resNet18(channels: Int, height: Int, width: Int, classes: Int, norm: NormKind = .instance, rng: inout SeededRNG) throws -> Model {
        try checkInput(channels, height, width, classes)
        var layers: [LayerSpec] = [
            .conv2d(inChannels: channels, outChannels: 64, kernel: 3, stride: 1, padding: 1, bias: false),
            .norm(norm, channels: 64, height: height, width: width), .activation(.relu),
        ]
        var c = 64, h = height, w = width
        for (planes, stride) in [(64, 1), (128, 2), (256, 2), (512, 2)] {
            for b in 0..<2 {
                let s = b == 0 ? stride : 1
                layers.append(.basicBlock(inChannels: c, outChannels: planes, stride: s, norm: norm, height: h, width: w))
                h = (h - 1) / s + 1
                w = (w - 1) / s + 1
                c = planes
            }
        }
        guard h >= 4, w >= 4 else { throw TensorError("resnet18: input \(height)x\(width) is too small") }
        layers.append(.pool(.avg, kernel: 4, stride: 4))
        h /= 4; w /= 4
        layers.append(.flatten)
        let features = layers.count
        layers.append(.linear(inFeatures: c * h * w, outFeatures: classes, bias: true))
        return try Model(name: norm == .batch ? "ResNet-18-BN" : "ResNet-18", layers: layers, featureLayers: features,
                         inputShape: [channels, height, width], classes: classes, rng: &rng)
    }

    /// VGG-11 as DatasetCondensation builds it (networks.py `VGG`, cfg 'VGG11'): eight conv3x3
    /// (64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M) each followed by a norm (instance:
    /// GroupNorm(C, C); or batch) and ReLU, max pools 2/2 at the M's, then one linear layer. The
    /// first conv pads 3 on one-channel images, so 28x28 acts as 32x32 (and ends at 512 x 1 x 1).
    public static func vgg11(channels: Int, height: Int, width: Int, classes: Int, norm: NormKind = .instance, rng: inout SeededRNG) throws -> Model {
        try checkInput(channels, height, width, classes)
        let plan: [Int] = [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0]   // 0: max pool
        var layers: [LayerSpec] = []
        var c = channels, h = height, w = width
        for (i, out) in plan.enumerated() {
            if out == 0 {
                guard h >= 2, w >= 2 else { throw TensorError("vgg11: input \(height)x\(width) is too small (five 2x2 pools)") }
                layers.append(.pool(.max, kernel: 2, stride: 2))
                h /= 2; w /= 2
                continue
            }
            let pad = i == 0 && channels == 1 ? 3 : 1
            h += 2 * pad - 2; w += 2 * pad - 2
            layers.append(.conv2d(inChannels: c, outChannels: out, kernel: 3, stride: 1, padding: pad, bias: true))
            layers.append(.norm(norm, channels: out, height: h, width: w))
            layers.append(.activation(.relu))
            c = out
        }
        layers.append(.flatten)
        let features = layers.count
        layers.append(.linear(inFeatures: c * h * w, outFeatures: classes, bias: true))
        return try Model(name: norm == .batch ? "VGG-11-BN" : "VGG-11", layers: layers, featureLayers: features,
                         inputShape: [channels, height, width], classes: classes, rng: &rng)
    }

    static func checkInput(_ c: Int, _ h: Int, _ w: Int, _ classes: Int) throws {
        guard c >= 1, h >= 1, w >= 1 else { throw TensorError("model: input shape [\(c), \(h), \(w)] must be positive") }
        guard classes >= 1 else { throw TensorError("model: classes must be positive, got \(classes)") }
    }
}
