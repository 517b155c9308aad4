// `evaluate` and `experts` split across ranks (ranks as threads, Cluster's LocalGroup): the same
// accuracies and trajectories, bit for bit, for 1, 2 and 3 ranks, and a checkpoint left by 3
// ranks resumes with 1.
import Cluster
import Foundation
import Testing
import TestSupport
import TensorCore
import NeuralNet
import Datasets
import Persistence
@testable import Distillation

@Suite struct EvaluationSplitTests {
    let folder: String
    let data: Dataset
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("distill-split-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        data = try bandDataset()
    }

    struct Identity: Encodable { var seed: UInt64; var config: TrainConfig }

    func evaluate(runs: Int, team: Communicator, checkpoint: Checkpoint? = nil, crashAfter: Int? = nil,
                  validation: Bool = false) throws -> EvaluationResult {
        var config = TrainConfig.evaluation(epochs: 2, learningRate: 0.05)
        config.batchSize = 8
        var hook = try checkpoint?.evaluationHook(config: Identity(seed: 5, config: config), runs: runs)
        if let inner = hook?.afterRun, let crashAfter {
            hook?.afterRun = { acc, master, stopping in
                try inner(acc, master, stopping)
                if acc.count >= crashAfter { throw Crash() }
            }
        }
        return try Evaluation.run(images: data.train.images, labels: data.train.labels, testImages: data.test.images,
                                  testLabels: data.test.labels, config: config, runs: runs, seed: 5,
                                  makeModel: { try ModelSpec(kind: .convnet, width: 4, depth: 1).build(imageShape: [1, 8, 8], classes: 3, rng: &$0) },
                                  hook: hook, validation: validation ? (data.test.images, data.test.labels) : nil, team: team)
    }

    @Test func everyRankCountGivesTheSameAccuracies() throws {
        let solo = try evaluate(runs: 5, team: Solo(), validation: true)
        #expect(solo.accuracies.count == 5)
        for size in [2, 3] {
            let results = try LocalGroup.run(size: size) { team in try evaluate(runs: 5, team: team, validation: true) }
            for r in results {
                #expect(r.accuracies.map(\.bitPattern) == solo.accuracies.map(\.bitPattern), "\(size) ranks")
                #expect(r.validationAccuracies == solo.validationAccuracies)
                #expect(r.architecture == solo.architecture)
            }
        }
    }

    @Test func aCheckpointOfThreeRanksResumesWithOne() throws {
        let straight = try evaluate(runs: 5, team: Solo())
        let path = folder + "/split.ddcheckpoint"
        // Three ranks checkpoint after each round of three runs; the crash comes after the first.
        _ = try? LocalGroup.run(size: 3) { team in
            try evaluate(runs: 5, team: team, checkpoint: try Checkpoint(path: path, every: 1), crashAfter: 3)
        }
        let resumed = try evaluate(runs: 5, team: Solo(), checkpoint: try Checkpoint(path: path, every: 1))
        #expect(resumed.accuracies == straight.accuracies)
    }

    func bits(_ experts: Experts) -> [[UInt32]] {
        experts.trajectories.map { $0.flatMap { $0.flatMap { $0.data.map(\.bitPattern) } } }
    }

    @Test func expertsAreTheSameForEveryRankCount() throws {
        let solo = try Experts.train(data, config: ExpertsTests.tiny(count: 4, epochs: 2))
        #expect(solo.trajectories.count == 4)
        for size in [2, 3] {
            let results = try LocalGroup.run(size: size) { team in
                try Experts.train(data, config: ExpertsTests.tiny(count: 4, epochs: 2), team: team)
            }
            for r in results {
                #expect(!r.interrupted)
                #expect(r.trajectories.count == 4, "\(size) ranks")
                #expect(bits(r) == bits(solo), "\(size) ranks")
            }
        }
    }
}
