// Checkpoints of training and evaluation: a run that crashes right after a checkpoint and is
// started again ends with the same weights (train) or accuracies (evaluate) as a straight run.
import Foundation
import Testing
import TestSupport
import TensorCore
import NeuralNet
import Datasets
import Persistence
@testable import Distillation

struct Crash: Error {}

@Suite struct CheckpointTrainingTests {
    let folder: String
    let data: Dataset
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("distill-ckpt-train-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        data = try bandDataset()
    }

    struct Identity: Encodable { var seed: UInt64; var config: TrainConfig }

    /// Trains ConvNet-1 (batch norm, so buffers are saved too) for 6 epochs; with a checkpoint
    /// hook that crashes after epoch `crashAt`, if given.
    func train(checkpoint: Checkpoint?, crashAt: Int? = nil, progress: ProgressSink = SilentProgress()) throws -> Model {
        var config = TrainConfig.evaluation(epochs: 6, learningRate: 0.05)
        config.batchSize = 8
        var rng = SeededRNG(seed: 21)
        let spec = ModelSpec(kind: .convnet, width: 4, depth: 1, norm: .batch)
        let model = try spec.build(imageShape: data.imageShape, classes: data.classCount, rng: &rng)
        var hook = try checkpoint?.trainHook(config: Identity(seed: 21, config: config), epochs: 6)
        if let inner = hook?.afterEpoch, let crashAt {
            hook?.afterEpoch = { state, stopping in
                try inner(state, stopping)
                if state.epoch == crashAt { throw Crash() }
            }
        }
        try Trainer.train(model, images: data.train.images, labels: data.train.labels, config: config, rng: &rng,
                          progress: progress, hook: hook)
        return model
    }

    @Test(arguments: [1, 3, 4])
    func trainingResumesToTheSameWeights(crashAt: Int) throws {
        let straight = try train(checkpoint: nil)
        let cp = try Checkpoint(path: folder + "/train-\(crashAt).ddcheckpoint", every: 1)
        #expect(throws: Crash.self) { _ = try train(checkpoint: cp, crashAt: crashAt) }
        let log = StepLog()
        let resumed = try train(checkpoint: cp, progress: log)
        // Progress counts batches: b per epoch, only the missing epochs' batches are reported.
        let b = log.steps.count / (6 - crashAt)
        #expect(b >= 2 && log.titles == ["train (resumed from epoch \(crashAt))"] && log.steps == Array((crashAt * b + 1)...(6 * b)))
        #expect(resumed.parameters == straight.parameters)
        #expect(resumed.buffers == straight.buffers)
        #expect(!straight.buffers.isEmpty)
    }

    @Test func evaluationResumesToTheSameAccuracies() throws {
        func evaluate(runs: Int, checkpoint: Checkpoint?, crashAfter: Int? = nil,
                      progress: ProgressSink = SilentProgress()) throws -> EvaluationResult {
            var config = TrainConfig.evaluation(epochs: 2, learningRate: 0.05)
            config.batchSize = 8
            var hook = try checkpoint?.evaluationHook(config: Identity(seed: 5, config: config), runs: runs)
            if let inner = hook?.afterRun, let crashAfter {
                hook?.afterRun = { acc, master, stopping in
                    try inner(acc, master, stopping)
                    if acc.count == crashAfter { throw Crash() }
                }
            }
            return try Evaluation.run(images: data.train.images, labels: data.train.labels, testImages: data.test.images,
                                      testLabels: data.test.labels, config: config, runs: runs, seed: 5,
                                      makeModel: { try ModelSpec(kind: .convnet, width: 4, depth: 1).build(imageShape: [1, 8, 8], classes: 3, rng: &$0) },
                                      progress: progress, hook: hook)
        }
        let straight = try evaluate(runs: 4, checkpoint: nil)
        let cp = try Checkpoint(path: folder + "/eval.ddcheckpoint", every: 1)
        #expect(throws: Crash.self) { _ = try evaluate(runs: 3, checkpoint: cp, crashAfter: 2) }
        let log = StepLog()
        let resumed = try evaluate(runs: 4, checkpoint: cp, progress: log)
        #expect(log.titles == ["evaluate 3/4", "evaluate 4/4"], "only the missing runs are trained")
        #expect(resumed.accuracies == straight.accuracies)
        #expect(resumed.architecture == straight.architecture)
        // Asking for fewer runs than are done is an error.
        #expect(throws: TensorError.self) { _ = try evaluate(runs: 2, checkpoint: cp) }
    }

    @Test func aTrainingCheckpointRefusesOtherSettings() throws {
        let cp = try Checkpoint(path: folder + "/t.ddcheckpoint", every: 2)
        _ = try train(checkpoint: cp)
        var other = TrainConfig.evaluation(epochs: 6, learningRate: 0.05)
        other.batchSize = 16
        #expect {
            _ = try cp.trainHook(config: Identity(seed: 21, config: other), epochs: 6)
        } throws: { e in (e as? PersistenceError)?.message.contains("config.batchSize: 16 here, 8 there") == true }
        #expect(throws: PersistenceError.self) { _ = try cp.evaluationHook(config: Identity(seed: 21, config: other), runs: 2) }
    }
}
