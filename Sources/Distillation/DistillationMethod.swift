// What a distillation method is to the rest of the program: a type with a name, a summary, a
// typed config whose defaults cite the paper, the named arguments it reads, what it supports,
// and a typed state it carries from one iteration to the next. `MethodRun` drives any of them
// (progress, Ctrl-C, budget, checkpoints, resuming); `MethodRegistry` lists them. Adding a
// method is one file with a type conforming to `DistillationMethod` plus one line in the
// registry (docs/architecture.md walks through it).
import Datasets
import NeuralNet
import TensorCore

/// A distillation method: configuration, state and one iteration.
///
///     let method = try DMMethod(data: data, config: config, inputs: MethodInputs())
///     let set = try MethodRun(method: method, data: data, config: config).run()
public protocol DistillationMethod {
    associatedtype Config: MethodConfig
    associatedtype State: MethodState

    /// The name `distill(method=...)` takes, and that checkpoints and sets record.
    static var name: String { get }
    /// One paragraph for `help("distill")` and docs/builtins.md: what it does, the paper, the
    /// defaults and anything particular to its arguments.
    static var summary: String { get }
    static var capabilities: MethodCapabilities { get }
    /// The protocol `evaluate(protocol="auto")` judges its sets by, as its paper does.
    static var evaluationProtocol: EvaluationProtocol { get }
    /// The named arguments of `distill` this method reads, applied in this order.
    static var parameters: [MethodParameter<Config>] { get }

    /// The paper's settings for a data set and ipc (the source cited where they are set).
    /// `inputs` holds what the call handed over besides settings (MTT's experts).
    static func defaults(for data: Dataset, ipc: Int, inputs: MethodInputs) throws -> Config
    /// Settings derived from others once the arguments are applied (DD's decay interval from
    /// the real batch), unless `given` names them or the run is resumed.
    static func complete(_ config: inout Config, data: Dataset, given: Set<String>, resuming: Bool)
    /// The one validation of a config: every problem is a `DistillError` naming the argument.
    static func validate(_ config: Config, data: Dataset, inputs: MethodInputs) throws

    /// Prepares a run: what stays fixed for all iterations (augmentation, fixed networks,
    /// caches), from a validated config.
    init(data: Dataset, config: Config, inputs: MethodInputs) throws
    /// Progress steps within one iteration (matching steps, unrolled steps...); 1 by default.
    var stepsPerIteration: Int { get }
    /// The state before the first iteration (initial images...), drawn from `rng`.
    func start(rng: inout SeededRNG) throws -> State
    /// One iteration; may stop early when `context.isCancelled()` (the state then holds the
    /// work done, and the loop keeps the last complete iteration for checkpoints).
    func iterate(_ state: inout State, rng: inout SeededRNG, context: IterationContext) throws -> IterationOutcome
    /// The synthetic images of a state, in the data set's normalised space.
    func images(of state: State) throws -> Tensor
    /// What the set must carry besides its images (learned step sizes, formation factor...).
    func artifacts(of state: State) -> MethodArtifacts
    /// The set's settings as text (a display view).
    func settings(of state: State) -> [String: String]
    /// The state of a run saved by format 1 (named tensors and numbers).
    static func migrate(_ legacy: LegacyRunState) throws -> State
}

extension DistillationMethod {
    /// The names of the arguments the method declares, in order.
    public static var argumentNames: [String] { parameters.map(\.name) }

    public static func complete(_ config: inout Config, data: Dataset, given: Set<String>, resuming: Bool) {}
    public var stepsPerIteration: Int { 1 }
}

/// The settings every method's config has.
public protocol MethodConfig: Codable, Equatable, Sendable {
    var ipc: Int { get }
    var iterations: Int { get set }
    var seed: UInt64 { get set }
}

/// The state a method keeps between iterations; saved whole in checkpoints and sessions.
public protocol MethodState: Codable, Sendable {
    /// The tensor the iterations optimise, checked for nan and inf after each one.
    var optimised: Tensor { get }
}

/// What a method supports, for the `distill` builtin's checks and the docs.
public struct MethodCapabilities: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// DREAM's representative real batches (`select="dream"`).
    public static let selection = MethodCapabilities(rawValue: 1 << 0)
    /// Differentiable Siamese augmentation (`aug=`).
    public static let augmentation = MethodCapabilities(rawValue: 1 << 1)
    /// ZCA-whitened data sets (`zca(data)`).
    public static let whitenedData = MethodCapabilities(rawValue: 1 << 2)
    /// Unrolled steps with a memory mode (`memory="plain"` or `"checkpointed"`).
    public static let unrolledMemory = MethodCapabilities(rawValue: 1 << 3)

    /// The names, for docs.
    public var names: [String] {
        [(Self.selection, "selection"), (.augmentation, "augmentation"), (.whitenedData, "whitened data"),
         (.unrolledMemory, "unrolled memory modes")]
            .filter { contains($0.0) }.map(\.1)
    }
}

/// What a call hands a method besides its settings.
public struct MethodInputs: @unchecked Sendable {
    /// MTT's expert trajectories.
    public var experts: Experts?
    /// Notes for the user (a clamped batch...), printed by the caller.
    public var note: (String) -> Void
    /// Where work before the first iteration reports progress (DD's pre-training).
    public var progress: ProgressSink

    public init(experts: Experts? = nil, note: @escaping (String) -> Void = { _ in }, progress: ProgressSink = SilentProgress()) {
        self.experts = experts
        self.note = note
        self.progress = progress
    }
}

/// What one iteration sees of its run.
public struct IterationContext {
    /// Reports progress within the iteration: (step counted from 1, loss).
    public let report: (Int, Float) -> Void
    /// True once the run should stop (Ctrl-C); long iterations check it between steps.
    public let isCancelled: () -> Bool

    public init(report: @escaping (Int, Float) -> Void = { _, _ in }, isCancelled: @escaping () -> Bool = { false }) {
        self.report = report
        self.isCancelled = isCancelled
    }
}

/// How an iteration ended.
public struct IterationOutcome: Sendable {
    /// The iteration's loss (or distance).
    public var loss: Float
    /// False when cancellation stopped it midway.
    public var complete: Bool

    public init(loss: Float, complete: Bool = true) {
        self.loss = loss
        self.complete = complete
    }
}

/// A method that runs another's engine under its own name, summary, defaults and arguments
/// (DSA is DC with augmentation, DREAM is IDC with DREAM's selection): only those are written;
/// the run itself, validation and format 1 migration are the engine's.
public protocol MethodVariant: DistillationMethod where Config == Engine.Config, State == Engine.State {
    associatedtype Engine: DistillationMethod
    var engine: Engine { get }
    init(engine: Engine)
}

extension MethodVariant {
    public static func validate(_ config: Config, data: Dataset, inputs: MethodInputs) throws {
        try Engine.validate(config, data: data, inputs: inputs)
    }
    public static func complete(_ config: inout Config, data: Dataset, given: Set<String>, resuming: Bool) {
        Engine.complete(&config, data: data, given: given, resuming: resuming)
    }
    public init(data: Dataset, config: Config, inputs: MethodInputs) throws {
        self.init(engine: try Engine(data: data, config: config, inputs: inputs))
    }
    public var stepsPerIteration: Int { engine.stepsPerIteration }
    public func start(rng: inout SeededRNG) throws -> State { try engine.start(rng: &rng) }
    public func iterate(_ state: inout State, rng: inout SeededRNG, context: IterationContext) throws -> IterationOutcome {
        try engine.iterate(&state, rng: &rng, context: context)
    }
    public func images(of state: State) throws -> Tensor { try engine.images(of: state) }
    public func artifacts(of state: State) -> MethodArtifacts { engine.artifacts(of: state) }
    public func settings(of state: State) -> [String: String] { engine.settings(of: state) }
    public static func migrate(_ legacy: LegacyRunState) throws -> State { try Engine.migrate(legacy) }
}
