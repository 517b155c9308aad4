// The `model` namespace: architectures (convnet, mlp, lenet, alexnet, alexcifarnet, resnet18),
// training on a data set, split or synthetic set, and test accuracy.
import Autograd
import Datasets
import Distillation
import NeuralNet
import Script
import TensorCore

public enum ModelLibrary {
    public static var namespace: BuiltinNamespace {
        BuiltinNamespace(name: "model", summary: "networks, training and accuracy", builtins: [
            Builtin("convnet", parameters: [.named("width", default: .number(128)), .named("depth", default: .number(3)),
                                            .named("norm", default: .string("instance")), .named("act", default: .string("relu")),
                                            .named("pool", default: .string("avg")), weightsParameter],
                    help: "ConvNet-D/W, the network of the dataset-distillation literature: `depth` blocks of 3x3 conv (width channels) -> norm -> activation -> 2x2 pool, then a linear layer. norm is instance (GroupNorm(C, C), the default), batch, layer, group or none; act is relu, sigmoid, leakyrelu, swish or tanh; pool is avg, max or none. The weights are made when the model first meets data, from the seed of the call that uses it. " + weightsHelp,
                    example: "net = convnet()                 # ConvNet-3\nwide = convnet(width=256, norm=\"batch\")") { args, _ in
                let width = try args.integer("width"), depth = try args.integer("depth")
                guard width >= 1 else { throw args.error(args.index("width"), "width must be at least 1, got \(width)") }
                guard depth >= 1 && depth <= 6 else { throw args.error(args.index("depth"), "depth must be 1 to 6, got \(depth)") }
                let norm = try choice(args, "norm", NormKind.self), act = try choice(args, "act", Activation.self)
                let pool = try choice(args, "pool", PoolKind.self)
                return .host(ModelObject(ModelSpec(kind: .convnet, width: width, depth: depth, norm: norm, activation: act, pooling: pool,
                                                   weights: try weightsChoice(args)), weightsGiven: args.isGiven("weights")))
            },
            simple("mlp", .mlp, "A multilayer perceptron with two hidden layers of 128 units and ReLU."),
            simple("lenet", .lenet, "LeNet-5: two 5x5 convolutions with max pooling and three linear layers."),
            simple("alexnet", .alexnet, "AlexNet, the small CIFAR variant of the DC reference code: five convolutions, three max pools, one linear layer (DD's CIFAR network is alexcifarnet())."),
            simple("alexcifarnet", .alexcifarnet, "AlexCifarNet, the CIFAR network of the original dataset distillation code (DD's default for three-channel images): two 5x5 convolutions of 64 channels, each with ReLU, a 3x3 max pool (stride 2, padding 1) and local response normalisation (size 4), then linear layers of 384 and 192 units with ReLU and the classifier; 1,756,426 parameters on CIFAR-10."),
            Builtin("vgg11", parameters: [.named("norm", default: .string("instance")), weightsParameter],
                    help: "VGG-11 as the DC reference builds it: eight 3x3 convolutions (64, 128, 256, 256, 512, 512, 512, 512) each with a norm and ReLU, five 2x2 max pools, one linear layer; one-channel images get padding 3 on the first conv (28x28 acts as 32x32). norm is instance (GroupNorm(C, C), the default) or batch. Used for cross-architecture evaluation. " + weightsHelp,
                    example: "evaluate(syn, data, models=[convnet(), vgg11(), vgg11(norm=\"batch\")])") { args, _ in
                try instanceOrBatchModel(.vgg11, args)
            },
            Builtin("resnet18", parameters: [.named("norm", default: .string("instance")), weightsParameter],
                    help: "ResNet-18 for small images (3x3 stem, four stages of two basic blocks). norm is instance (default) or batch. " + weightsHelp,
                    example: "net = resnet18(norm=\"batch\")") { args, _ in
                try instanceOrBatchModel(.resnet18, args)
            },
            Builtin("train", parameters: [.required("model"), .required("data"), .named("epochs", default: .number(10)),
                                          .named("lr", default: .number(0.01)), .named("batch", default: .number(256)),
                                          .named("momentum", default: .number(0.9)), .named("weight_decay", default: .number(0.0005)),
                                          .named("aug", default: .string("none")), .named("seed"),
                                          .named("checkpoint"), .named("every", default: .number(1))],
                    help: "Trains a fresh copy of `model` on a data set's train split, a split, or a synthetic set, with SGD (momentum, weight decay) and the learning rate divided by 10 after half the epochs; `aug` is a DSA strategy such as \"color_crop_cutout_flip_scale_rotate\", \"dsa\" (that one, without flip for digits: the papers' default) or \"none\". Returns the trained model (its `loss` and `train_accuracy` give the per-epoch history). Ctrl-C stops after the current epoch and keeps the model.\n\nWith `checkpoint=PATH`, weights, momentum, generator and history are saved there every `every` epochs, at the end and on Ctrl-C; the same call again resumes from it and ends with the same weights as an unbroken run.\n\nTraining that diverges (nan or infinite loss) stops there with a warning; the model says so and `accuracy` refuses it. Images with nan or infinite values are refused.",
                    example: "net = train(convnet(), data, epochs=5)\naccuracy(net, data)") { args, context in
                let spec = try args.host(0, ModelObject.self, expected: "model").spec
                let (dataset, images, labels) = try trainingSet(args, 1)
                var config = try trainConfig(args)
                config.batchSize = clampedBatch(config.batchSize, "batch", most: labels.count, of: "training images", args, context)
                let dsa = try augmentation(args, "aug", dataset: dataset)
                let seed = try context.seed(args)
                var rng = SeededRNG(seed: seed)
                let model = try spec.build(imageShape: dataset.imageShape, classes: dataset.classCount, rng: &rng)
                let checkpoint = try checkpointArgument(args)
                let history = try Trainer.train(model, images: images, labels: labels, config: config, rng: &rng,
                                                augment: dsa, progress: context.progress, title: "train \(model.name)",
                                                hook: try checkpoint?.trainHook(
                    config: RunIdentity(model: spec, train: config, aug: try args.string("aug"), seed: seed, data: dataset.name, images: labels.count),
                    epochs: config.epochs))
                if let d = history.diverged {
                    context.output.write("warning: train: training \(d.description); the model's weights are not usable (HINT: lower lr)\n")
                }
                warnIfNotSaved(checkpoint, "train", context)
                let object = ModelObject(spec, model: model)
                object.history = history
                return .host(object)
            },
            Builtin("accuracy", parameters: [.required("model"), .required("data")],
                    help: "Test accuracy (0 to 1) of a trained model on a data set's test split, or on a given split. A data set without a test split (an image folder without test/) or an empty split is an error, not 0.",
                    example: "accuracy(net, data)          # test split\naccuracy(net, data.train)") { args, _ in
                let object = try args.host(0, ModelObject.self, expected: "model")
                guard let model = object.model else { throw args.error(0, "the model is untrained; train(model, data) first") }
                if let d = object.history?.diverged {
                    throw args.error(0, "the model's training \(d.description): its accuracy would be chance, not a result (HINT: train again with a lower lr)")
                }
                let split: DatasetSplit
                switch args.value(1) {
                case .host(let d as DatasetObject):
                    do { split = try d.dataset.nonEmptyTestSplit() } catch let e as DataError { throw args.error(1, e.inlineText) }
                case .host(let s as SplitObject): split = s.split
                default: throw args.typeError(1, expected: "dataset or split")
                }
                guard split.count > 0 else { throw args.error(1, "the split has no images to measure on") }
                guard Array(split.images.shape.dropFirst()) == model.inputShape else {
                    throw args.error(1, "images are \(split.imageShape.map(String.init).joined(separator: "x")) but the model expects \(model.inputShape.map(String.init).joined(separator: "x"))")
                }
                return numberValue(try Trainer.accuracy(model, images: split.images, labels: split.labels))
            },
        ])
    }

    static func simple(_ name: String, _ kind: ModelSpec.Kind, _ help: String) -> Builtin {
        Builtin(name, parameters: [weightsParameter], help: help + " Used for cross-architecture evaluation. " + weightsHelp,
                example: "evaluate(syn, data, model=\(name)())") { args, _ in
            .host(ModelObject(ModelSpec(kind: kind, weights: try weightsChoice(args)), weightsGiven: args.isGiven("weights")))
        }
    }

    static let weightsParameter = Parameter.named("weights")

    /// VGG-11 or ResNet-18 with `norm=` instance or batch, and `weights=`.
    static func instanceOrBatchModel(_ kind: ModelSpec.Kind, _ args: Arguments) throws -> Value {
        let norm = try choice(args, "norm", NormKind.self)
        guard norm == .instance || norm == .batch else {
            throw args.error(args.index("norm"), "\(kind.rawValue) takes norm \"instance\" or \"batch\", got \"\(norm.rawValue)\"")
        }
        return .host(ModelObject(ModelSpec(kind: kind, norm: norm, weights: try weightsChoice(args)), weightsGiven: args.isGiven("weights")))
    }

    /// `weights=`, PyTorch's default scheme when not given (a method may then use its own).
    static func weightsChoice(_ args: Arguments) throws -> WeightInit {
        args.isGiven("weights") ? try choice(args, "weights", WeightInit.self) : .default
    }
    static let weightsHelp = "weights is how fresh weights are drawn: \"default\" (PyTorch's: uniform within 1/sqrt(fan_in)) or \"xavier\" (Xavier-normal weights and zero biases, as in the DD reference). When it is not given, PyTorch's, except where a distillation method has its own scheme (DD: Xavier)."

}

/// A string argument naming one case of a string-backed enum.
func choice<E: RawRepresentable & CaseIterable>(_ args: Arguments, _ name: String, _ type: E.Type) throws -> E where E.RawValue == String {
    let text = try args.string(name)
    guard let value = E(rawValue: text.lowercased()) else {
        throw args.error(args.index(name), "unknown \(name) \"\(text)\" (expected one of: \(E.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    return value
}

/// Images and labels to train on: a data set's train split, a split, or a synthetic set.
/// Images with nan or infinite values are refused, naming how many.
func trainingSet(_ args: Arguments, _ i: Int) throws -> (Dataset, Tensor, [Int]) {
    let set: (Dataset, Tensor, [Int])
    switch args.value(i) {
    case .host(let d as DatasetObject): set = (d.dataset, d.dataset.train.images, d.dataset.train.labels)
    case .host(let s as SplitObject): set = (s.dataset, s.split.images, s.split.labels)
    case .host(let s as SyntheticObject):
        // IDC/DREAM sets store factor x factor tiles per image: train on the decoded images.
        let (images, labels) = try s.synthetic.trainingImages()
        set = (s.dataset, images, labels)
    default: throw args.typeError(i, expected: "dataset, split or synthetic set")
    }
    try checkFinite(set.1, args, i, what: "the images")
    return set
}

/// The evaluation-style training configuration from the common named arguments.
/// With `allowSweep`, a list of rates (evaluate's sweep, set per candidate later) leaves the default.
func trainConfig(_ args: Arguments, allowSweep: Bool = false) throws -> TrainConfig {
    let epochs = try args.integer("epochs"), batch = try args.integer("batch")
    guard epochs >= 1 else { throw args.error(args.index("epochs"), "epochs must be at least 1, got \(epochs)") }
    guard batch >= 1 else { throw args.error(args.index("batch"), "batch must be at least 1, got \(batch)") }
    let lr = try (allowSweep ? DistillLibrary.singleLearningRate(args) : args.optionalNumber("lr")) ?? 0.01
    guard lr > 0, lr.isFinite else { throw args.error(args.index("lr"), "lr must be positive, got \(lr)") }
    var c = TrainConfig.evaluation(epochs: epochs, learningRate: Float(lr))
    c.batchSize = batch
    c.momentum = Float(try args.number("momentum"))
    c.weightDecay = Float(try args.number("weight_decay"))
    return c
}

/// A DSA training-time augmentation from a strategy argument ("none" for none, "dsa" for the
/// papers' default strategy on `dataset`).
func augmentation(_ args: Arguments, _ name: String, dataset: Dataset) throws -> BatchAugment? {
    let strategy = dsaStrategy(try args.string(name), for: dataset)
    let dsa: DSA
    do { dsa = try DSA(strategy: strategy) } catch let e as TensorError { throw args.error(args.index(name), e.message) }
    if dsa.ops.isEmpty { return nil }
    return { x, rng in try GradMode.withoutGrad { try dsa.apply(Variable(x), rng: &rng).value } }
}
