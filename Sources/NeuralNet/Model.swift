// Model: a sequential list of layer specs with its parameter and buffer tensors. The forward
// pass is functional underneath: it can run on an explicit list of parameter Variables, which
// unrolled methods (MTT, DD) use to differentiate through parameter updates.
import Autograd
import TensorCore

/// A network: architecture (plain data) plus weights.
///
///     var rng = SeededRNG(seed: 1)
///     let net = try Model.convNet(channels: 3, height: 32, width: 32, classes: 10, rng: &rng)
///     let logits = try net.forward(Variable(images))
public final class Model {
    /// Short architecture name, e.g. `ConvNet-3` or `ResNet-18`.
    public let name: String
    public let layers: [LayerSpec]
    /// Layers before this index produce the embedding (`embed`); the rest is the classifier head.
    public let featureLayers: Int
    /// Input image shape [c, h, w] and number of classes.
    public let inputShape: [Int]
    public let classes: Int
    /// Trainable tensors, in `parameterNames` order.
    public var parameters: [Tensor]
    public let parameterNames: [String]
    /// Batch-norm running statistics, in layer order.
    public var buffers: [Tensor]

    public init(name: String, layers: [LayerSpec], featureLayers: Int, inputShape: [Int], classes: Int, rng: inout SeededRNG) throws {
        self.name = name
        self.layers = layers
        self.featureLayers = featureLayers
        self.inputShape = inputShape
        self.classes = classes
        try Model.checkParameterMemory(layers, name: name)
        var params: [Tensor] = [], names: [String] = [], bufs: [Tensor] = []
        for (i, l) in layers.enumerated() {
            params += try l.initialParameters(rng: &rng)
            names += l.parameterShapes.map { "\(i).\($0.0)" }
            bufs += try l.initialBuffers()
        }
        self.parameters = params
        self.parameterNames = names
        self.buffers = bufs
    }

    /// Throws before any weight is drawn when all of them together (`copies` times over)
    /// need more memory than `MemoryLimit` allows: each tensor alone may fit while the model
    /// does not (`convnet(width=1000000)`).
    static func checkParameterMemory(_ layers: [LayerSpec], name: String, copies: Int = 1, purpose: String = "") throws {
        var total = 0
        for l in layers {
            for (_, shape) in l.parameterShapes {
                var n = 1
                for d in shape {
                    let (p, o) = n.multipliedReportingOverflow(by: d)
                    guard !o, p <= Tensor.maxElements else {
                        throw TensorError("\(name): a parameter of shape \(shape.shapeText) has too many elements (at most \(Tensor.maxElements) in one tensor)")
                    }
                    n = p
                }
                total += n
                guard total <= Tensor.maxElements else {
                    throw TensorError("\(name): more than \(Tensor.maxElements) parameters")
                }
            }
        }
        try MemoryLimit.check(bytes: total * MemoryLayout<Float>.stride * copies,
                              what: "\(name) with \(total) parameters\(purpose)")
    }

    /// Draws every parameter afresh under `scheme` (buffers reset too).
    public func reinitialize(_ scheme: WeightInit, rng: inout SeededRNG) throws {
        var params: [Tensor] = [], bufs: [Tensor] = []
        for l in layers {
            params += try l.initialParameters(scheme, rng: &rng)
            bufs += try l.initialBuffers()
        }
        parameters = params
        buffers = bufs
    }

    /// An independent copy (weights and buffers copied).
    public func copy() -> Model {
        Model(copying: self)
    }

    private init(copying m: Model) {
        name = m.name; layers = m.layers; featureLayers = m.featureLayers
        inputShape = m.inputShape; classes = m.classes
        parameters = m.parameters; parameterNames = m.parameterNames; buffers = m.buffers
    }

    /// Total number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Whether any layer keeps running statistics.
    public var hasBatchNorm: Bool { !buffers.isEmpty }

    /// Logits for x [n, c, h, w]. With `parameters` given, those Variables are used instead of
    /// the stored weights (gradients then flow to them).
    public func forward(_ x: Variable, parameters: [Variable]? = nil, mode: BatchNormMode = .train) throws -> Variable {
        try run(x, parameters: parameters, mode: mode, through: layers.count)
    }

    /// The feature vector before the classifier head, [n, features].
    public func embed(_ x: Variable, parameters: [Variable]? = nil, mode: BatchNormMode = .train) throws -> Variable {
        let f = try run(x, parameters: parameters, mode: mode, through: featureLayers)
        return f.rank == 2 ? f : try f.flattenBatch()
    }

    /// The stored weights as leaf Variables that require gradients.
    public func parameterVariables() -> [Variable] {
        parameters.map { Variable($0, requiresGrad: true) }
    }

    private func run(_ x: Variable, parameters given: [Variable]?, mode: BatchNormMode, through end: Int) throws -> Variable {
        guard x.rank == 4, Array(x.shape.dropFirst()) == inputShape else {
            throw TensorError("\(name): input must be [n, \(inputShape.map(String.init).joined(separator: ", "))], got \(x.shape.shapeText)")
        }
        let params = given ?? self.parameters.map { Variable($0) }
        guard params.count == self.parameters.count else {
            throw TensorError("\(name): \(params.count) parameter tensors given, model has \(self.parameters.count)")
        }
        for (i, (p, t)) in zip(params, self.parameters).enumerated() where p.shape != t.shape {
            throw TensorError("\(name): parameter \(parameterNames[i]) must be \(t.shape.shapeText), got \(p.shape.shapeText)")
        }
        var h = x
        var pi = 0, bi = 0
        var skipNext = false
        for (li, layer) in layers.prefix(end).enumerated() {
            let np = layer.parameterShapes.count, nb = layer.bufferShapes.count
            let p = Array(params[pi..<(pi + np)])
            if skipNext {
                skipNext = false
            } else if case let .norm(kind, _, _, _) = layer, kind == .instance || kind == .group,
                      li + 1 < end, case .activation(.relu) = layers[li + 1] {
                // conv -> norm -> relu: one pass when no gradient is recorded.
                let groups = kind == .instance ? h.shape[1] : Swift.min(4, h.shape[1])
                h = try Variable.groupNormRelu(h, groups: groups, weight: p[0], bias: p[1], eps: normEpsilon)
                skipNext = true
            } else {
                h = try apply(layer, h, p, bufferStart: bi, mode: mode)
            }
            pi += np
            bi += nb
        }
        return h
    }

    private func apply(_ layer: LayerSpec, _ x: Variable, _ p: [Variable], bufferStart: Int, mode: BatchNormMode) throws -> Variable {
        switch layer {
        case let .conv2d(_, _, _, stride, padding, bias):
            return try x.conv2d(p[0], bias: bias ? p[1] : nil, stride: stride, padding: padding)
        case let .linear(_, _, bias):
            let flat = x.rank == 2 ? x : try x.flattenBatch()
            let y = try flat.matmul(p[0], transposeB: true)
            return bias ? try y + p[1] : y
        case let .norm(kind, _, _, _):
            return try normalise(kind, x, p, bufferStart: bufferStart, mode: mode)
        case let .activation(a):
            return try activate(a, x)
        case let .pool(kind, k, s):
            switch kind {
            case .avg: return try x.avgPool2d(kernel: k, stride: s)
            case .max: return try x.maxPool2d(kernel: k, stride: s)
            case .none: return x
            }
        case let .paddedPool(kind, k, s, padding):
            switch kind {
            case .avg: return try x.avgPool2d(kernel: k, stride: s, padding: padding)
            case .max: return try x.maxPool2d(kernel: k, stride: s, padding: padding)
            case .none: return x
            }
        case let .localResponseNorm(size, alpha, beta, k):
            return try x.localResponseNorm(size: size, alpha: alpha, beta: beta, k: k)
        case .flatten:
            return try x.flattenBatch()
        case let .basicBlock(i, o, s, norm, _, _):
            let np = LayerSpec.norm(norm, channels: o, height: 1, width: 1).parameterShapes.count
            var k = 0
            func take(_ n: Int) -> [Variable] { defer { k += n }; return Array(p[k..<(k + n)]) }
            let w1 = take(1)[0], n1 = take(np), w2 = take(1)[0], n2 = take(np)
            var out = try x.conv2d(w1, stride: s, padding: 1)
            out = try normalise(norm, out, n1, bufferStart: bufferStart, mode: mode).relu()
            out = try normalise(norm, try out.conv2d(w2, padding: 1), n2, bufferStart: bufferStart + 2, mode: mode)
            var short = x
            if s != 1 || i != o {
                let ws = take(1)[0], ns = take(np)
                short = try normalise(norm, try x.conv2d(ws, stride: s), ns, bufferStart: bufferStart + 4, mode: mode)
            }
            return try (out + short).relu()
        }
    }

    private func normalise(_ kind: NormKind, _ x: Variable, _ p: [Variable], bufferStart: Int, mode: BatchNormMode) throws -> Variable {
        switch kind {
        case .none: return x
        case .instance: return try groupNorm(x, groups: x.shape[1], weight: p[0], bias: p[1])
        case .group: return try groupNorm(x, groups: Swift.min(4, x.shape[1]), weight: p[0], bias: p[1])
        case .layer: return try layerNorm(x, weight: p[0], bias: p[1])
        case .batch:
            var m = buffers[bufferStart], v = buffers[bufferStart + 1]
            let y = try batchNorm(x, weight: p[0], bias: p[1], runningMean: &m, runningVar: &v, mode: mode)
            if case .train = mode {
                buffers[bufferStart] = m
                buffers[bufferStart + 1] = v
            }
            return y
        }
    }

    private func activate(_ a: Activation, _ x: Variable) throws -> Variable {
        switch a {
        case .relu: return x.relu()
        case .sigmoid: return x.sigmoid()
        case .leakyrelu: return x.leakyRelu(0.01)
        case .swish: return try x.swish()
        case .tanh: return x.tanh()
        }
    }
}
