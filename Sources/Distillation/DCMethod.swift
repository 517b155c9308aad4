// DC and DSA as plug-ins: two names over one engine (DatasetCondensation in DC.swift), DSA being
// DC with Siamese augmentation and real initialisation. Their settings are `DCConfig`.
import Datasets
import NeuralNet
import TensorCore

/// DC as a plug-in: gradient matching under a fresh network per iteration, no augmentation.
public struct DCMethod: DistillationMethod {
    public typealias Config = DCConfig

    /// The images and their SGD momentum.
    public struct State: MethodState {
        public var images: Tensor
        public var velocity: [Tensor]?
        public var optimised: Tensor { images }
    }

    public static let name = "dc"
    public static let summary = """
        Gradient matching (Zhao, Mopuri & Bilen, ICLR 2021): per class, the gradient of the loss \
        on real and on synthetic images under a fresh network, compared layer by layer, with the \
        network trained on the synthetic set between matching steps. Defaults (main.py): 1000 \
        iterations, lr 0.1 (momentum 0.5), batch_real 256, init "noise", distance "ours", no \
        augmentation, model convnet(); matching steps and network epochs per iteration follow the \
        reference's table for the ipc.
        """
    public static let capabilities: MethodCapabilities = [.selection, .augmentation, .whitenedData]
    public static let evaluationProtocol = EvaluationProtocol.dc

    public static var parameters: [MethodParameter<DCConfig>] { gradientMatchingParameters }

    /// The arguments DC and DSA read.
    static var gradientMatchingParameters: [MethodParameter<DCConfig>] {
        [.integer("iterations", \.iterations, help: "sets the iterations"),
         .number("lr", \.learningRate, help: "sets the images' learning rate"),
         .batch("batch_real", \.batchReal, help: "sets the real images per class and matching step", most: largestClass),
         .choice("init", \.initialization, help: "chooses how the images start"),
         .model(\.model),
         .augmentation(\.dsa),
         .choice("distance", \.distance, help: "chooses the gradient distance")]
            + MethodParameter.selection(\.selection)
    }

    public static func defaults(for data: Dataset, ipc: Int, inputs: MethodInputs) -> DCConfig { DCConfig(ipc: ipc) }

    public static func validate(_ config: DCConfig, data: Dataset, inputs: MethodInputs) throws {
        try config.validate()
        try DatasetCondensation.checkShapes(data.train, config.model, classes: data.classCount, method: config.method)
    }

    let config: DCConfig
    let split: DatasetSplit
    let dsa: DSA?

    public init(data: Dataset, config: DCConfig, inputs: MethodInputs) throws {
        self.config = config
        split = data.train
        dsa = try config.dsa.map { try DSA(strategy: $0) }
    }

    /// Progress counts matching steps: an iteration at ipc 10 takes minutes on a CPU.
    public var stepsPerIteration: Int { config.loops.outer }

    public func start(rng: inout SeededRNG) throws -> State {
        State(images: try SyntheticSet.initialImages(split, ipc: config.ipc, classes: split.classCount, mode: config.initialization,
                                                     model: config.model, rng: &rng))
    }

    public func iterate(_ state: inout State, rng: inout SeededRNG, context: IterationContext) throws -> IterationOutcome {
        try DatasetCondensation.iteration(&state, split: split, config: config, dsa: dsa, rng: &rng, context: context)
    }

    public func images(of state: State) -> Tensor { state.images }

    public func artifacts(of state: State) -> MethodArtifacts { MethodArtifacts(seed: config.seed) }

    public func settings(of state: State) -> [String: String] {
        let (outer, inner) = config.loops
        return ["iterations": "\(config.iterations)", "outer_loop": "\(outer)", "inner_loop": "\(inner)",
                "batch_real": "\(config.batchReal)", "lr": "\(config.learningRate)", "lr_net": "\(config.netLearningRate)",
                "distance": config.distance.rawValue, "dsa": dsa?.strategy ?? "none", "model": config.model.description,
                "init": config.initialization.rawValue, "select": config.selection.description, "seed": "\(config.seed)"]
    }

    public static func migrate(_ legacy: LegacyRunState) throws -> State {
        State(images: try legacy.tensor("images"), velocity: legacy.optionalTensors("velocity"))
    }
}

/// DSA as a plug-in: DC's engine with Siamese augmentation and real initialisation.
public struct DSAMethod: MethodVariant {

    public static let name = "dsa"
    public static let summary = """
        Gradient matching with differentiable Siamese augmentation (Zhao & Bilen, ICML 2021): DC \
        with the same augmentation applied to each real batch and its synthetic class. Defaults \
        (main.py): 1000 iterations, lr 0.1 (momentum 0.5), batch_real 256, init "real", distance \
        "ours", aug "dsa" (color_crop_cutout_flip_scale_rotate, without flip for digits), model \
        convnet().
        """
    public static let capabilities: MethodCapabilities = [.selection, .augmentation, .whitenedData]
    public static let evaluationProtocol = EvaluationProtocol.dsa

    public static var parameters: [MethodParameter<DCConfig>] { DCMethod.gradientMatchingParameters }

    public static func defaults(for data: Dataset, ipc: Int, inputs: MethodInputs) -> DCConfig {
        DCConfig.dsa(ipc: ipc, strategy: DSA.paperStrategy(for: data))
    }

    public let engine: DCMethod
    public init(engine: DCMethod) { self.engine = engine }
}
