// MTT as a plug-in: its summary, arguments, defaults (the authors' table, the experts' model
// and learning rate) and typed state. The iteration itself is `MTT.iteration` (MTT.swift).
import Datasets
import NeuralNet
import TensorCore

/// MTT as a `DistillationMethod`: student runs from expert snapshots, matched to later ones.
public struct MTTMethod: DistillationMethod {
    public typealias Config = MTTConfig

    /// The images and their SGD momentum, the learned step size and its momentum, and the
    /// iterations skipped for a non-finite loss or gradient.
    public struct State: MethodState {
        public var images: Tensor
        public var velocity: [Tensor]?
        /// The learnable student step size, shape [1].
        public var synLR: Tensor
        public var synLRVelocity: [Tensor]?
        public var skipped = 0
        public var optimised: Tensor { images }
    }

    public static let name = "mtt"
    public static let summary = """
        Trajectory matching (Cazenavette et al., CVPR 2022): from a snapshot of one of the \
        `experts=` (made by experts()), syn_steps SGD steps on the synthetic images with a learned \
        step size should land near the expert's snapshot expert_epochs later; start snapshots come \
        from the first max_start_epoch epochs. Defaults are the authors' table for the data set and \
        ipc (e.g. CIFAR-10 ipc 10: 5000 iterations, syn_steps 30, expert_epochs 2, max_start_epoch \
        20, lr 100 on the images, lr_lr 1e-5, lr_teacher 0.001 the initial step size, momentum 0.5), \
        the model is the experts', init "real", DSA augmentation; batch_syn 0 steps on all images. \
        The authors whiten CIFAR with ZCA: pass zca(data). Evaluation trains with the learned step size.
        """
    public static let capabilities: MethodCapabilities = [.unrolledMemory, .augmentation, .whitenedData]
    public static let evaluationProtocol = EvaluationProtocol.mtt

    public static var parameters: [MethodParameter<MTTConfig>] {
        [.integer("iterations", \.iterations, help: "sets the iterations"),
         .number("lr", \.lrImages, help: "sets the images' learning rate"),
         .choice("init", \.initialization, help: "chooses how the images start"),
         .augmentation(\.dsa),
         .model(\.model, help: "the network (default: the experts')"),
         .integer("syn_steps", \.synSteps, help: "sets the student steps per iteration"),
         .integer("expert_epochs", \.expertEpochs, help: "sets the expert epochs the student steps should cover"),
         .integer("max_start_epoch", \.maxStartEpoch, help: "sets the epochs start snapshots are drawn from"),
         .number("lr_lr", \.lrLR, help: "sets the learning rate of the learned step size"),
         .number("lr_teacher", \.lrTeacher, help: "sets the initial step size"),
         .batch("batch_syn", \.batchSyn, help: "sets the synthetic images per student step (0: all)", most: syntheticImages),
         .choice("memory", \.memory, help: "chooses how unrolled steps are kept for backward"),
         // The experts reach the run through `MethodInputs.experts`; the config only records their model.
         MethodParameter("experts", .experts, help: "gives the expert trajectories") { _, _, _ in }]
    }

    /// The limit of `batch_syn`: all the synthetic images.
    static func syntheticImages(_ context: ParameterContext) -> (Int, String) {
        (context.ipc * context.data.classCount, "synthetic images")
    }

    static let missingExperts = DistillError(.run, "method \"mtt\" needs experts=...", argument: "experts",
                                             hint: "ex = experts(data, count=5, epochs=10)")

    /// The authors' settings for the data set and ipc (the initial step size included: the
    /// reference's `syn_lr` starts at the command line's `lr_teacher`, from the table, whatever
    /// rate the experts were trained with), with the experts' model.
    public static func defaults(for data: Dataset, ipc: Int, inputs: MethodInputs) throws -> MTTConfig {
        guard let experts = inputs.experts else { throw missingExperts }
        var c = MTTConfig.reference(for: data.name, ipc: ipc).config
        c.model = experts.config.model
        c.dsa = DSA.paperStrategy(for: data)
        return c
    }

    public static func validate(_ config: MTTConfig, data: Dataset, inputs: MethodInputs) throws {
        try config.validate()
        guard let experts = inputs.experts else { throw missingExperts }
        try MTT.check(experts, fit: data, config: config)
    }

    let config: MTTConfig
    let split: DatasetSplit
    let experts: Experts
    let dsa: DSA
    let net: Model
    let labels: [Int]
    /// The last iteration's loss, shown while the next one runs.
    final class LastLoss: @unchecked Sendable { var value: Float = 0 }
    let lastLoss = LastLoss()

    public init(data: Dataset, config: MTTConfig, inputs: MethodInputs) throws {
        guard let experts = inputs.experts else { throw Self.missingExperts }
        self.config = config
        self.experts = experts
        split = data.train
        dsa = try DSA(strategy: config.dsa)
        // The network only gives the parameters' layout: the weights come from the experts.
        var probe = SeededRNG(seed: 0)
        net = try config.model.build(imageShape: data.imageShape, classes: data.classCount, rng: &probe)
        labels = SyntheticSet.classMajorLabels(classes: data.classCount, ipc: config.ipc)
    }

    /// Two progress steps per student step: its forward and its backward.
    public var stepsPerIteration: Int { 2 * config.synSteps }

    public func start(rng: inout SeededRNG) throws -> State {
        let images = try SyntheticSet.initialImages(split, ipc: config.ipc, classes: split.classCount, mode: config.initialization, rng: &rng)
        return State(images: images, synLR: Tensor(unchecked: [1], data: [config.lrTeacher]))
    }

    public func iterate(_ state: inout State, rng: inout SeededRNG, context: IterationContext) throws -> IterationOutcome {
        let previous = lastLoss.value
        let loss = try MTT.iteration(&state, net: net, labels: labels, experts: experts, dsa: dsa, config: config, rng: &rng,
                                     report: { context.report($0, previous) })
        lastLoss.value = loss
        return IterationOutcome(loss: loss)
    }

    public func images(of state: State) -> Tensor { state.images }

    public func artifacts(of state: State) -> MethodArtifacts {
        var a = MethodArtifacts(seed: config.seed)
        a.learnedStepSize = state.synLR.data[0]
        a.skipped = state.skipped
        return a
    }

    public func settings(of state: State) -> [String: String] {
        let c = config
        return ["iterations": "\(c.iterations)", "syn_steps": "\(c.synSteps)", "expert_epochs": "\(c.expertEpochs)",
                "max_start_epoch": "\(c.maxStartEpoch)", "lr": "\(c.lrImages)", "lr_lr": "\(c.lrLR)",
                "lr_teacher": "\(c.lrTeacher)", "batch_syn": "\(c.batchSyn)", "dsa": dsa.strategy,
                "model": c.model.description, "init": c.initialization.rawValue, "memory": c.memory.rawValue,
                "experts": "\(experts.trajectories.count)x\(experts.config.epochs) epochs", "seed": "\(c.seed)",
                "syn_lr": "\(state.synLR.data[0])", "skipped": "\(state.skipped)"]
    }

    /// Format 1 kept "images", "velocity", "syn_lr", "syn_lr_velocity" (empty before the first
    /// step) and the number "skipped".
    public static func migrate(_ legacy: LegacyRunState) throws -> State {
        State(images: try legacy.tensor("images"), velocity: legacy.optionalTensors("velocity"), synLR: try legacy.tensor("syn_lr"),
              synLRVelocity: legacy.optionalTensors("syn_lr_velocity"), skipped: Int(legacy.numbers["skipped"] ?? 0))
    }
}
