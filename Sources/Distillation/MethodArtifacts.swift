// What a synthetic set carries from the method that made it, as typed values: the seed, MTT's
// learned step size, IDC's formation factor, DD's learned steps and model. Evaluation, pictures
// and exports read these, and the protocol the set is judged by; `SyntheticSet.settings` is only their display.
import NeuralNet

/// Typed results of a run besides the images.
public struct MethodArtifacts: Codable, Equatable, Sendable {
    /// The seed of the run.
    public var seed: UInt64?
    /// MTT: the learned training step size (evaluation trains with it).
    public var learnedStepSize: Float?
    /// IDC and DREAM: tiles per side of each stored image (1 for other methods).
    public var formationFactor: Int?
    /// DD: the learned steps and the start networks they are meant for.
    public var learnedSteps: LearnedSteps?
    /// MTT and DD: iterations skipped because their loss or gradient was not finite.
    public var skipped: Int?
    /// The evaluation protocol the set is meant to be judged by (its method's); nil in sets
    /// from files written before protocols, which derive it from their method.
    public var evaluationProtocol: EvaluationProtocol?

    enum CodingKeys: String, CodingKey {
        case seed, learnedStepSize, formationFactor, learnedSteps, skipped
        case evaluationProtocol = "protocol"
    }

    public init(seed: UInt64? = nil) { self.seed = seed }
}

/// DD's learned steps: `steps` blocks of ipc/steps images per class, taken `epochs` times, each
/// unrolled step with its own learned step size, from the start network kind of the run.
public struct LearnedSteps: Codable, Equatable, Sendable {
    public var steps: Int
    public var epochs: Int
    /// One step size per unrolled step (steps × epochs).
    public var rates: [Float]
    public var initialization: DDInit
    public var pretrainEpochs: Int
    public var pool: Int
    public var model: ModelSpec
    /// The seed of the fixed start network (and of the pre-training pool).
    public var initSeed: UInt64

    public init(steps: Int, epochs: Int, rates: [Float], initialization: DDInit, pretrainEpochs: Int, pool: Int,
                model: ModelSpec, initSeed: UInt64) {
        self.steps = steps
        self.epochs = epochs
        self.rates = rates
        self.initialization = initialization
        self.pretrainEpochs = pretrainEpochs
        self.pool = pool
        self.model = model
        self.initSeed = initSeed
    }
}
