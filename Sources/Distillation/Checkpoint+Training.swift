// Checkpoints for training and evaluation: the hooks `Trainer.train` and `Evaluation.run`
// call, backed by a checkpoint file. Epochs (train) and runs (evaluate) are the steps. A save
// that fails is kept in `failure` and the run goes on (its result is worth more than the file).
import NeuralNet
import TensorCore

extension Checkpoint {
    /// A hook that resumes training from this checkpoint and saves it after epochs as due.
    /// `config` identifies the run (architecture, training settings, seed, data); any field
    /// that differs from the saved one is an error.
    public func trainHook<Config: Encodable>(config: Config, epochs: Int) throws -> TrainHook {
        let resume = try load(method: "train", config: config, free: []).map { try TrainState(checkpoint: $0, path: path) }
        return TrainHook(resume: resume) { state, stopping in
            guard self.isDue(step: state.epoch, of: epochs, stopping: stopping) else { return }
            var tensors = ["parameters": state.parameters, "buffers": state.buffers,
                           "accuracy": [Tensor(unchecked: [state.history.accuracy.count], data: state.history.accuracy)]]
            if let v = state.velocity { tensors["velocity"] = v }
            self.trySave(State(step: state.epoch, rng: state.rng, loss: state.history.loss, tensors: tensors,
                               numbers: ["rate": Double(state.rate)]), method: "train", config: config)
        }
    }

    /// A hook that resumes an evaluation from this checkpoint and saves it after every `every`
    /// runs (and when one is cut short).
    public func evaluationHook<Config: Encodable>(config: Config, runs: Int) throws -> EvaluationHook {
        let resume = try load(method: "evaluate", config: config, free: []).map { ($0.loss, $0.rng) }
        return EvaluationHook(resume: resume) { accuracies, master, stopping in
            guard self.isDue(step: accuracies.count, of: runs, stopping: stopping) else { return }
            self.trySave(State(step: accuracies.count, rng: master, loss: accuracies, tensors: [:]), method: "evaluate", config: config)
        }
    }
}

extension TrainState {
    /// The training state a checkpoint holds.
    init(checkpoint s: Checkpoint.State, path: String) throws {
        guard let parameters = s.tensors["parameters"], let buffers = s.tensors["buffers"],
              let accuracy = s.tensors["accuracy"]?.first, accuracy.count == s.step, let rate = s.numbers["rate"] else {
            throw TensorError("checkpoint '\(path)': not a complete training state")
        }
        var history = TrainHistory()
        history.loss = s.loss
        history.accuracy = accuracy.data
        self.init(epoch: s.step, rng: s.rng, rate: Float(rate), velocity: s.tensors["velocity"], parameters: parameters,
                  buffers: buffers, history: history)
    }
}
