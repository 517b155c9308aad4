import Foundation
import Testing
import TensorCore
@testable import NeuralNet

/// The reference evaluation schedule, momentum on rate drops, and batch mixing in training.
@Suite struct TrainConfigTests {
    @Test func referenceEvaluationTrainsOneMoreEpochAndDecaysAfterHalfPlusOne() {
        // DatasetCondensation utils.py evaluate_synset: `for ep in range(Epoch+1)`, lr x0.1 once
        // epoch Epoch//2+1 is done.
        let c = TrainConfig.referenceEvaluation(epochs: 1000)
        #expect(c.epochs == 1001 && c.batchSize == 256 && c.momentum == Float(0.9) && c.weightDecay == Float(5e-4))
        let rates = (0..<1001).map { c.schedule.rate(base: 1, epoch: $0) }
        #expect(rates.filter { $0 == 1 }.count == 502 && rates.last == Float(0.1))
        // train()'s own recipe is unchanged: E epochs, decay from E/2 + 1.
        #expect(TrainConfig.evaluation(epochs: 300).schedule == .multiStep(milestones: [151], factor: 0.1))
        #expect(TrainConfig.evaluation(epochs: 300).epochs == 300)
    }

    @Test func momentumRestartsIsEncodedOnlyWhenOff() throws {
        var c = TrainConfig.evaluation(epochs: 4)
        let before = String(decoding: try JSONEncoder().encode(c), as: UTF8.self)
        #expect(!before.contains("momentumRestarts"))
        #expect(try JSONDecoder().decode(TrainConfig.self, from: Data(before.utf8)) == c)
        c.momentumRestarts = false
        let after = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(TrainConfig.self, from: after) == c)
    }

    @Test func aBatchMixWeighsTheLoss() throws {
        var rng = SeededRNG(seed: 1)
        let x = Tensor(unchecked: [6, 1, 4, 4], data: (0..<96).map { _ in rng.nextNormal() })
        let labels = [0, 1, 0, 1, 0, 1]
        func run(_ mix: BatchMix?) throws -> TrainHistory {
            var r = SeededRNG(seed: 2)
            let model = try Model.mlp(channels: 1, height: 4, width: 4, classes: 2, rng: &r)
            return try Trainer.train(model, images: x, labels: labels, config: TrainConfig(epochs: 2, learningRate: 0.01, batchSize: 3),
                                     rng: &r, mix: mix)
        }
        let plain = try run(nil)
        // Mixing with weight 1 on the own labels changes nothing; weight 0 trains on the partners.
        let same = try run { x, y, _ in (x, y.map { 1 - $0 }, 1) }
        let swapped = try run { x, y, _ in (x, y.map { 1 - $0 }, 0) }
        #expect(same.loss == plain.loss)
        #expect(swapped.loss != plain.loss)
    }
}
