// DD's own evaluation protocol (paper §3, reference test code): start from the distillation's
// initialisation kind (the same fixed network, or fresh ones) and take the learned GD steps on
// the distilled images with the learned step sizes; test on the real test split. What to repeat
// is the set's typed `artifacts.learnedSteps`, never its settings text.
import Autograd
import Datasets
import Foundation
import NeuralNet
import TensorCore

extension DD {
    public typealias LearnedSteps = Distillation.LearnedSteps

    /// The paper's protocol: with a fixed initialisation, one run from that same network (it is
    /// deterministic); with random ones, `runs` fresh networks (pre-trained as in distillation
    /// when it used pre-training) from seeds derived from `seed`. Mean ± std over runs.
    public static func evaluate(_ set: SyntheticSet, data: Dataset, runs: Int, seed: UInt64,
                                progress: ProgressSink = SilentProgress()) throws -> EvaluationResult {
        guard runs >= 1 else { throw TensorError("evaluate: runs must be >= 1, got \(runs)") }
        let learned = try LearnedSteps(set)
        guard set.imageShape == data.imageShape, set.classCount == data.classCount else {
            throw TensorError("dd evaluation: the set's images or classes do not fit the data set")
        }
        var result = EvaluationResult(accuracies: [], architecture: "", epochs: learned.epochs, trainImages: set.labels.count)
        var master = SeededRNG(seed: seed)
        let count = learned.initialization == .fixed ? 1 : runs
        progress.begin("evaluate (dd protocol)", total: count)
        defer { progress.end(interrupted: result.interrupted) }
        for r in 0..<count {
            let net: Model
            if learned.initialization == .fixed {
                var rng = SeededRNG(seed: learned.initSeed)
                net = try startNetwork(data, spec: learned.model, pretrainEpochs: learned.pretrainEpochs, rng: &rng,
                                       progress: SilentProgress(), title: "")
            } else {
                var rng = master.fork()
                net = try startNetwork(data, spec: learned.model, pretrainEpochs: learned.pretrainEpochs, rng: &rng,
                                       progress: SilentProgress(), title: "")
            }
            try takeLearnedSteps(net, set: set, learned: learned)
            result.architecture = net.name
            if net.parameters.contains(where: { p in p.data.contains { !$0.isFinite } }) {
                // A chance-level accuracy of nan weights is not a result.
                result.diverged = "of run \(r + 1) diverged (the learned steps made the weights non-finite)"
                break
            }
            result.accuracies.append(try Trainer.accuracy(net, images: data.test.images, labels: data.test.labels))
            progress.update(step: r + 1, figures: [("acc", Double(result.accuracies.last!))])
            if Interrupt.isRequested && r + 1 < count { result.interrupted = true; break }
        }
        return result
    }

    /// Trains `net` in place with the set's learned steps: steps × epochs plain GD steps, step
    /// k on the (k mod steps)-th block of images with the k-th learned step size.
    public static func takeLearnedSteps(_ net: Model, set: SyntheticSet, learned: LearnedSteps) throws {
        let layout = StepLayout(classes: set.classCount, ipc: set.ipc, steps: learned.steps)
        for (k, lr) in learned.rates.enumerated() {
            let j = k % learned.steps
            let x = try set.images.indexSelect(layout.indices(step: j))
            let params = net.parameterVariables()
            let loss = try net.forward(Variable(x), parameters: params, mode: .train).crossEntropy(labels: layout.labels(step: j))
            let grads = try gradients(of: loss, wrt: params)
            for i in net.parameters.indices { net.parameters[i] = try net.parameters[i] - grads[i].value * lr }
        }
    }
}

extension LearnedSteps {
    /// A DD set's learned steps, checked to fit it: anything missing or malformed is an error.
    public init(_ set: SyntheticSet) throws {
        guard set.method == "dd" else { throw TensorError("dd evaluation: the set was made by \(set.method), not dd") }
        guard let l = set.artifacts.learnedSteps else { throw TensorError("dd evaluation: the set carries no learned steps") }
        guard l.steps >= 1, l.epochs >= 1, l.rates.count == l.steps * l.epochs else {
            throw TensorError("dd evaluation: \(l.rates.count) step sizes for \(l.steps) steps x \(l.epochs) epochs")
        }
        if let bad = l.rates.first(where: { !$0.isFinite }) { throw TensorError("dd evaluation: step size \(bad) is not a number") }
        guard l.pretrainEpochs >= 0, l.pool >= 0 else { throw TensorError("dd evaluation: pretrain epochs \(l.pretrainEpochs) or pool \(l.pool) out of range") }
        guard set.ipc % l.steps == 0 else { throw TensorError("dd evaluation: ipc \(set.ipc) is not a multiple of \(l.steps) steps") }
        self = l
    }
}
