// DD as a plug-in: its summary, arguments, defaults (the reference's LeNet / AlexCifarNet with
// Xavier weights) and typed state. The iteration itself is `DD.iteration` (DD.swift); the
// start networks are DD+Start.swift, the evaluation protocol DD+Evaluation.swift.
import Datasets
import NeuralNet
import TensorCore

/// DD as a `DistillationMethod`: images and step sizes learned through unrolled GD steps.
public struct DDMethod: DistillationMethod {
    public typealias Config = DDConfig

    /// The images, the raw (pre-softplus) step sizes, Adam's moments and step count, and the
    /// iterations skipped for a non-finite loss or gradient.
    public struct State: MethodState {
        public var images: Tensor
        /// One raw step size per unrolled step, shape [steps × epochs].
        public var rawLRs: Tensor
        public var adamM: [Tensor]?
        public var adamV: [Tensor]?
        public var adamStep = 0
        public var skipped = 0
        public var optimised: Tensor { images }
    }

    public static let name = "dd"
    public static let summary = """
        The original dataset distillation (Wang et al., 2018): `steps` distinct GD steps of \
        ipc/steps images per class, repeated `epochs` times, each with a learned step size; the \
        loss is the real-data loss after the steps. init "random" (a fresh start network every \
        iteration) or "fixed" (one known start); pretrain=EPOCHS for pre-trained start weights (a \
        pool of `pool`). Defaults (the reference code): 1000 iterations, lr (Adam) 0.01, batch_real \
        1024 (drawn from the whole train split), 10 steps (at most ipc) x 3 epochs, lr_teacher \
        (initial step size) 0.02, or 0.001 on colour images, decay_every (iterations between \
        halvings of lr) 40 passes over the real data; model LeNet for one-channel images, \
        AlexCifarNet otherwise, with Xavier-normal weights unless weights="default"; checkpointed \
        memory on colour images. Its sets are evaluated by the paper's protocol (their learned steps).
        """
    public static let capabilities: MethodCapabilities = [.unrolledMemory, .whitenedData]
    public static let evaluationProtocol = EvaluationProtocol.dd

    public static var parameters: [MethodParameter<DDConfig>] {
        [.integer("iterations", \.iterations, help: "sets the iterations"),
         .number("lr", \.learningRate, help: "sets the learning rate of images and step sizes"),
         .batch("batch_real", \.batchReal, help: "sets the real images the unrolled steps are judged on", most: wholeSplit),
         .model(\.model),
         .integer("steps", \.steps, help: "sets the distinct GD steps"),
         .integer("epochs", \.epochs, help: "sets the passes over the steps"),
         .choice("init", \.initialization, help: "chooses the start networks"),
         .integer("pretrain", \.pretrainEpochs, help: "sets the epochs the start networks are pre-trained"),
         .integer("pool", \.pool, help: "sets the pre-trained start networks"),
         // After model=: a model given without its own weights= keeps DD's Xavier scheme; this decides last.
         .choice("weights", \.model.weights, help: "chooses the start networks' weight initialisation"),
         .integer("decay_every", \.decayEvery, help: "sets the iterations between halvings of lr"),
         .number("lr_teacher", \.initialStepSize, help: "sets the initial step size"),
         .choice("memory", \.memory, help: "chooses how unrolled steps are kept for backward"),
         .choice("real_aug", \.realAugment, help: "chooses the augmentation of each real batch (crop_flip: reflect-pad 4, random crop, flip)")]
    }

    /// The reference's settings: LeNet (one channel) or AlexCifarNet with Xavier-normal weights
    /// and zero biases; on colour images a smaller step size and checkpointed memory.
    public static func defaults(for data: Dataset, ipc: Int, inputs: MethodInputs) -> DDConfig {
        let grey = data.imageShape.first == 1
        var c = DDConfig(ipc: ipc)
        c.model = ModelSpec(kind: grey ? .lenet : .alexcifarnet, weights: .xavier)
        if !grey {
            c.realAugment = .cropFlip   // datasets/__init__.py:139-146, the CIFAR-10 train transform
            c.initialStepSize = 0.001
            // AlexCifarNet's real batch dominates memory; chunked under checkpointing it needs
            // a third (docs/methods.md) at about the same time per iteration.
            c.memory = .checkpointed
        }
        c.steps = Swift.min(10, ipc)
        return c
    }

    /// The reference halves the rate every 40 passes over the real data.
    public static func complete(_ config: inout DDConfig, data: Dataset, given: Set<String>, resuming: Bool) {
        guard !resuming, !given.contains("decay_every") else { return }
        config.decayEvery = 40 * ((data.train.count + config.batchReal - 1) / Swift.max(config.batchReal, 1))
    }

    public static func validate(_ config: DDConfig, data: Dataset, inputs: MethodInputs) throws { try config.validate() }

    let config: DDConfig
    let split: DatasetSplit
    let starts: DD.StartPool

    public init(data: Dataset, config: DDConfig, inputs: MethodInputs) throws {
        self.config = config
        split = data.train
        starts = try DD.startPool(data, config: config, seed: DD.initSeed(config), progress: inputs.progress)
    }

    public func start(rng: inout SeededRNG) throws -> State {
        let images = try SyntheticSet.initialImages(split, ipc: config.ipc, classes: split.classCount, mode: config.imageInit, rng: &rng)
        let n = config.unrolledSteps
        let raw = Tensor(unchecked: [n], data: .init(repeating: DD.inverseSoftplus(config.initialStepSize), count: n))
        return State(images: images, rawLRs: raw)
    }

    public func iterate(_ state: inout State, rng: inout SeededRNG, context: IterationContext) throws -> IterationOutcome {
        IterationOutcome(loss: try DD.iteration(&state, split: split, starts: starts, config: config, rng: &rng))
    }

    public func images(of state: State) -> Tensor { state.images }

    public func artifacts(of state: State) -> MethodArtifacts {
        var a = MethodArtifacts(seed: config.seed)
        a.learnedSteps = DD.learnedSteps(config, rates: DD.softplus(state.rawLRs.data))
        a.skipped = state.skipped
        return a
    }

    public func settings(of state: State) -> [String: String] {
        var s = DD.settings(config, lrs: DD.softplus(state.rawLRs.data))
        s["skipped"] = "\(state.skipped)"
        return s
    }

    /// Format 1 kept "images", "raw_lrs", "adam_m" and "adam_v" (empty before the first step)
    /// and the numbers "adam_step" and "skipped".
    public static func migrate(_ legacy: LegacyRunState) throws -> State {
        State(images: try legacy.tensor("images"), rawLRs: try legacy.tensor("raw_lrs"), adamM: legacy.optionalTensors("adam_m"),
              adamV: legacy.optionalTensors("adam_v"), adamStep: Int(legacy.numbers["adam_step"] ?? 0),
              skipped: Int(legacy.numbers["skipped"] ?? 0))
    }
}
