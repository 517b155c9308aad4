// IDC and DREAM as plug-ins: two names over one engine (IDC in IDC.swift), DREAM being IDC with
// representative real batches and k-means initialisation. Their settings are `IDCConfig`; both
// keep their images in [0, 1] pixel units, so neither takes whitened data.
import Datasets
import NeuralNet
import TensorCore

/// IDC as a plug-in: multi-formation images matched by gradient under a network trained on
/// real data meanwhile.
public struct IDCMethod: DistillationMethod {
    public typealias Config = IDCConfig

    /// The stored images in [0, 1] pixel units and their SGD momentum.
    public struct State: MethodState {
        public var pixels: Tensor
        public var velocity: [Tensor]?
        public var optimised: Tensor { pixels }
    }

    public static let name = "idc"
    public static let summary = """
        Gradient matching of multi-formation images (Kim et al., ICML 2022): each stored image \
        holds factor × factor tiles, each decoded into a training image, matched under a network \
        that keeps training on real data (with CutMix) between rounds. Defaults (condense.py \
        --reproduce): factor 2 (1 to 4), 2000 iterations of 100 rounds, batch_real 128, lr \
        5e-3 × ipc/10 scaled by (size/32)², distance "mse" ("l1" and lr 1e-4 for MNIST and \
        Fashion-MNIST), init "mix", model convnet(). Works in pixel space: not with zca(...).
        """
    public static let capabilities: MethodCapabilities = [.selection]
    public static let evaluationProtocol = EvaluationProtocol.idc

    public static var parameters: [MethodParameter<IDCConfig>] { multiFormationParameters(dreamAlways: false) }

    /// The arguments IDC and DREAM read; `factor` first, since it re-derives the reference
    /// settings the others then adjust.
    static func multiFormationParameters(dreamAlways: Bool) -> [MethodParameter<IDCConfig>] {
        [factorParameter,
         .integer("iterations", \.iterations, help: "sets the iterations"),
         .number("lr", \.learningRate, help: "sets the images' learning rate"),
         .batch("batch_real", \.batchReal, help: "sets the real images per class and matching step", most: largestClass),
         .model(\.model)]
            + MethodParameter.selection(\.selection, dreamAlways: dreamAlways)
    }

    /// `factor=`: tiles per side, 1 to 4; another factor than the config's re-derives the
    /// reference settings for it, keeping the selection, initialisation and seed.
    static var factorParameter: MethodParameter<IDCConfig> {
        MethodParameter("factor", .integer, help: "sets the tiles per side of each stored image") { c, v, context in
            let f = try v.integer("factor")
            guard f >= 1 && f <= 4 else { throw DistillError.setting("factor", "factor must be 1 to 4, got \(f)") }
            guard f != c.factor else { return }
            var fresh = IDCConfig.reference(for: context.data, ipc: c.ipc, factor: f)
            fresh.selection = c.selection
            fresh.initialization = c.initialization
            fresh.seed = c.seed
            c = fresh
        }
    }

    public static func defaults(for data: Dataset, ipc: Int, inputs: MethodInputs) -> IDCConfig {
        IDCConfig.reference(for: data, ipc: ipc)
    }

    public static func validate(_ config: IDCConfig, data: Dataset, inputs: MethodInputs) throws {
        try config.validate()
        try DatasetCondensation.checkShapes(data.train, config.model, classes: data.classCount,
                                            method: config.selection == .random ? "idc" : "dream")
    }

    let config: IDCConfig
    let split: DatasetSplit
    let setup: IDC.Setup

    public init(data: Dataset, config: IDCConfig, inputs: MethodInputs) throws {
        self.config = config
        split = data.train
        setup = try IDC.Setup(config: config, normalization: data.normalization)
    }

    /// Progress counts rounds: an iteration takes an hour or more on a CPU.
    public var stepsPerIteration: Int { config.innerLoop }

    public func start(rng: inout SeededRNG) throws -> State {
        State(pixels: try IDC.initialPixels(split, config: config, setup: setup, classes: split.classCount, rng: &rng))
    }

    public func iterate(_ state: inout State, rng: inout SeededRNG, context: IterationContext) throws -> IterationOutcome {
        try IDC.iteration(&state, split: split, config: config, setup: setup, rng: &rng, context: context)
    }

    public func images(of state: State) throws -> Tensor { try setup.normalization.normalized(state.pixels) }

    public func artifacts(of state: State) -> MethodArtifacts {
        var a = MethodArtifacts(seed: config.seed)
        a.formationFactor = config.factor
        return a
    }

    public func settings(of state: State) -> [String: String] {
        ["iterations": "\(config.iterations)", "factor": "\(config.factor)", "inner_loop": "\(config.innerLoop)",
         "batch_real": "\(config.batchReal)", "batch_syn_max": "\(config.batchSynMax)",
         "lr": "\(config.learningRate)", "distance": config.distance.rawValue,
         "match_aug": setup.matchAugment.strategy, "net_aug": setup.netAugment.strategy,
         "n_data": "\(config.netData)", "cutmix": "\(config.cutmixProbability)",
         "model": config.model.description, "init": config.initialization.rawValue,
         "select": config.selection.description, "seed": "\(config.seed)"]
    }

    /// Format 1 kept the pixels under "images".
    public static func migrate(_ legacy: LegacyRunState) throws -> State {
        State(pixels: try legacy.tensor("images"), velocity: legacy.optionalTensors("velocity"))
    }
}

/// DREAM as a plug-in: IDC's engine with DREAM's representative real batches (re-clustered
/// every `interval` rounds) and k-means initialisation.
public struct DREAMMethod: MethodVariant {

    public static let name = "dream"
    public static let summary = """
        Representative matching (Liu et al., ICCV 2023) on IDC: per class, the batch_real real \
        images nearest k-means centres of the network's features, re-clustered every `interval` \
        rounds (default 10) over a random `pool` of each class (default 0 = all), and k-means \
        initialisation. Defaults are IDC's (condense.py --reproduce: factor 2, 2000 iterations of \
        100 rounds, batch_real 128) with select "dream" always. Works in pixel space: not with zca(...).
        """
    public static let capabilities: MethodCapabilities = [.selection]
    public static let evaluationProtocol = EvaluationProtocol.idc

    public static var parameters: [MethodParameter<IDCConfig>] { IDCMethod.multiFormationParameters(dreamAlways: true) }

    public static func defaults(for data: Dataset, ipc: Int, inputs: MethodInputs) -> IDCConfig {
        DREAM.reference(for: data, ipc: ipc)
    }

    public let engine: IDCMethod
    public init(engine: IDCMethod) { self.engine = engine }
}
