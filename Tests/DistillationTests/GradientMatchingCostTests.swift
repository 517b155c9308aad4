import Testing
import Foundation
import TensorCore
import Autograd
import Data
import NeuralNet
@testable import Distillation

/// Measured cost of the gradient-matching methods on Fashion-MNIST IPC 10 (DISTILL_SLOW=1;
/// the figures go to docs/methods.md). Set DC_FULL=1 to also time one whole DC iteration.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["DISTILL_SLOW"] == "1"), .serialized)
struct GradientMatchingCost {
    let env = ProcessInfo.processInfo.environment

    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t0 = Date()
        try body()
        return Date().timeIntervalSince(t0)
    }

    @Test func dcOnFashionMNIST() throws {
        let data = try Dataset.load("fashion-mnist")
        // One matching step (10 classes × 256 real + 10 synthetic, second order) and no training.
        var step = DCConfig(ipc: 10)
        step.iterations = 1
        step.outerLoop = 1
        step.seed = 1
        let matching = try seconds { _ = try DatasetCondensation.run(data, config: step) }
        var dsaStep = DCConfig.dsa(ipc: 10)
        dsaStep.iterations = 1
        dsaStep.outerLoop = 1
        let dsaMatching = try seconds { _ = try DatasetCondensation.run(data, config: dsaStep) }
        // The inner loop between two matching steps: 50 epochs on the 100 synthetic images.
        var rng = SeededRNG(seed: 2)
        let net = try ModelSpec.convNet3.build(imageShape: data.imageShape, classes: 10, rng: &rng)
        let images = try Tensor.randn([100, 1, 28, 28], rng: &rng)
        var sgd = SGD(learningRate: 0.01)
        let inner = try seconds {
            try GradientMatching.trainOnSet(net, images: images, labels: SyntheticSet.classMajorLabels(classes: 10, ipc: 10),
                                            epochs: 50, batchSize: 256, optimizer: &sgd, augment: nil, rng: &rng)
        }
        let perIteration = 10 * matching + 9 * inner
        print("COST dc fmnist ipc10: matching step \(fmt(matching)) s (dsa \(fmt(dsaMatching)) s), inner loop (50 epochs) \(fmt(inner)) s, estimated iteration \(fmt(perIteration)) s")
        if env["DC_FULL"] == "1" {
            var full = DCConfig(ipc: 10)
            full.iterations = 1
            full.seed = 3
            let t = try seconds { _ = try DatasetCondensation.run(data, config: full) }
            print("COST dc fmnist ipc10: one full iteration \(fmt(t)) s")
        }
    }

    @Test func idcOnFashionMNIST() throws {
        let data = try Dataset.load("fashion-mnist")
        // One IDC round: 10 classes × (128 real + 40 decoded synthetic, second order) and one
        // network update on 500 real images; an iteration is 100 rounds.
        var cfg = IDCConfig.reference(for: data, ipc: 10)
        cfg.iterations = 1
        cfg.innerLoop = 1
        cfg.seed = 1
        let round = try seconds { _ = try IDC.run(data, config: cfg) }
        cfg.netData = 0
        let matching = try seconds { _ = try IDC.run(data, config: cfg) }
        print("COST idc fmnist ipc10 f2: one round \(fmt(round)) s (matching \(fmt(matching)) s, network update \(fmt(round - matching)) s), estimated iteration (100 rounds) \(fmt(100 * round)) s")
    }

    func fmt(_ x: Double) -> String { String(format: "%.2f", x) }
}
