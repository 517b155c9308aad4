// The loop state of training between epochs, and the hook through which a caller saves it
// and resumes from it (checkpoints). Saving itself is not done here: NeuralNet knows no files.
import TensorCore

/// Everything `Trainer.train` needs to go on after `epoch` epochs exactly as if it had never
/// stopped: weights, batch-norm statistics, momentum, current rate, generator and history.
public struct TrainState {
    /// Epochs done.
    public var epoch: Int
    public var rng: SeededRNG
    /// The learning rate in force (the schedule restarts momentum when it changes).
    public var rate: Float
    public var velocity: [Tensor]?
    public var parameters: [Tensor]
    public var buffers: [Tensor]
    public var history: TrainHistory

    public init(epoch: Int, rng: SeededRNG, rate: Float, velocity: [Tensor]?, parameters: [Tensor], buffers: [Tensor],
                history: TrainHistory) {
        self.epoch = epoch
        self.rng = rng
        self.rate = rate
        self.velocity = velocity
        self.parameters = parameters
        self.buffers = buffers
        self.history = history
    }
}

/// How a training run is checkpointed: a state to resume from, and what to do after each
/// epoch (`stopping` is true when Ctrl-C ends the run there).
public struct TrainHook {
    public var resume: TrainState?
    public var afterEpoch: (_ state: TrainState, _ stopping: Bool) throws -> Void

    public init(resume: TrainState?, afterEpoch: @escaping (TrainState, Bool) throws -> Void) {
        self.resume = resume
        self.afterEpoch = afterEpoch
    }
}

extension TrainState {
    /// Puts the state into a model and loop variables, checking it fits them.
    func restore(into model: Model, sgd: inout SGD, rate: inout Float, history: inout TrainHistory, rng: inout SeededRNG,
                 config: TrainConfig) throws {
        guard epoch <= config.epochs else {
            throw TensorError("train: the checkpoint has \(epoch) epochs done, more than the \(config.epochs) asked for")
        }
        guard parameters.map(\.shape) == model.parameters.map(\.shape), buffers.map(\.shape) == model.buffers.map(\.shape) else {
            throw TensorError("train: the checkpoint's weights do not fit \(model.name)")
        }
        if let velocity, velocity.map(\.shape) != model.parameters.map(\.shape) {
            throw TensorError("train: the checkpoint's momentum does not fit \(model.name)")
        }
        model.parameters = parameters
        model.buffers = buffers
        sgd = SGD(learningRate: self.rate, momentum: config.momentum, weightDecay: config.weightDecay)
        sgd.restore(velocity: velocity)
        rate = self.rate
        history = self.history
        rng = self.rng
    }
}
