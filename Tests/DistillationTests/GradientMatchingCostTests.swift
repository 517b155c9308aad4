import Testing
import Foundation
import TensorCore
import Autograd
import Datasets
import NeuralNet
@testable import Distillation

/// Measured cost of the gradient-matching methods on Fashion-MNIST IPC 10 (DISTILL_SLOW=1;
/// the figures go to docs/methods.md). Set DC_FULL=1 to also time one whole DC iteration.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["DISTILL_SLOW"] == "1"), .serialized)
struct GradientMatchingCost {
    let env = ProcessInfo.processInfo.environment

    /// Wall seconds of `body`; also prints the process CPU seconds it used (a fairer figure
    /// when other jobs share the cores).
    func seconds(_ label: String = "", _ body: () throws -> Void) rethrows -> Double {
        let t0 = Date(), c0 = clock()
        try body()
        let wall = Date().timeIntervalSince(t0), cpu = Double(clock() - c0) / Double(CLOCKS_PER_SEC)
        if !label.isEmpty { print("COST \(label): wall \(fmt(wall)) s, cpu \(fmt(cpu)) s") }
        return wall
    }

    @Test func dcOnFashionMNIST() throws {
        let data = try Dataset.load("fashion-mnist")
        // One matching step (10 classes × 256 real + 10 synthetic, second order) and no training.
        var step = DCConfig(ipc: 10)
        step.iterations = 1
        step.outerLoop = 1
        step.seed = 1
        let matching = try seconds("dc matching step") { _ = try DatasetCondensation.run(data, config: step) }
        var dsaStep = DCConfig.dsa(ipc: 10)
        dsaStep.iterations = 1
        dsaStep.outerLoop = 1
        let dsaMatching = try seconds("dsa matching step") { _ = try DatasetCondensation.run(data, config: dsaStep) }
        // The inner loop between two matching steps: 50 epochs on the 100 synthetic images.
        var rng = SeededRNG(seed: 2)
        let net = try ModelSpec.convNet3.build(imageShape: data.imageShape, classes: 10, rng: &rng)
        let images = try Tensor.randn([100, 1, 28, 28], rng: &rng)
        var sgd = SGD(learningRate: 0.01)
        let inner = try seconds("dc inner loop") {
            try GradientMatching.trainOnSet(net, images: images, labels: SyntheticSet.classMajorLabels(classes: 10, ipc: 10),
                                            epochs: 50, batchSize: 256, optimizer: &sgd, augment: nil, rng: &rng)
        }
        let perIteration = 10 * matching + 9 * inner
        print("COST dc fmnist ipc10: matching step \(fmt(matching)) s (dsa \(fmt(dsaMatching)) s), inner loop (50 epochs) \(fmt(inner)) s, estimated iteration \(fmt(perIteration)) s")
        if env["DC_FULL"] == "1" {
            var full = DCConfig(ipc: 10)
            full.iterations = 1
            full.seed = 3
            let t = try seconds("dc full iteration") { _ = try DatasetCondensation.run(data, config: full) }
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
        let round = try seconds("idc round") { _ = try IDC.run(data, config: cfg) }
        cfg.netData = 0
        let matching = try seconds("idc matching only") { _ = try IDC.run(data, config: cfg) }
        print("COST idc fmnist ipc10 f2: one round \(fmt(round)) s (matching \(fmt(matching)) s, network update \(fmt(round - matching)) s), estimated iteration (100 rounds) \(fmt(100 * round)) s")
    }

    @Test func dreamClusteringOnFashionMNIST() throws {
        let data = try Dataset.load("fashion-mnist")
        var rng = SeededRNG(seed: 4)
        let net = try ModelSpec.convNet3.build(imageShape: data.imageShape, classes: 10, rng: &rng)
        // One re-clustering: every class, k = 128, all 6000 images of each (pool 0) or 1000.
        for pool in [1000, 0] {
            var selector = RealBatchSelector(.dream(interval: 10, pool: pool), classes: 10)
            _ = try seconds("dream re-clustering, pool \(pool)") {
                try selector.refresh(step: 0, net: net, split: data.train, batch: 128, rng: &rng)
            }
        }
        let images = try data.train.gather(data.train.classIndex[0]).images
        _ = try seconds("embedding 6000 images") { _ = try DREAM.embeddings(net, images) }
    }

    func fmt(_ x: Double) -> String { String(format: "%.2f", x) }
}

/// Does DC move accuracy on real data? Fashion-MNIST IPC 1, a few iterations, against its own
/// starting point (DISTILL_SLOW=1; DC_ITERS sets the iterations, 20 by default).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["DISTILL_SLOW"] == "1"), .serialized)
struct GradientMatchingAccuracy {
    func accuracy(_ set: SyntheticSet, _ data: Dataset, seed: UInt64) throws -> Float {
        let (x, y) = try set.trainingImages()
        let result = try Evaluation.run(
            images: x, labels: y, testImages: data.test.images, testLabels: data.test.labels,
            config: .evaluation(epochs: 300), runs: 2, seed: seed,
            makeModel: { rng in try ModelSpec.convNet3.build(imageShape: data.imageShape, classes: 10, rng: &rng) })
        return result.mean
    }

    @Test func dcImprovesOnFashionMNISTIPC1() throws {
        let data = try Dataset.load("fashion-mnist")
        var cfg = DCConfig(ipc: 1)
        cfg.iterations = Int(ProcessInfo.processInfo.environment["DC_ITERS"] ?? "20") ?? 20
        cfg.seed = 5
        let t0 = Date()
        let syn = try DatasetCondensation.run(data, config: cfg)
        let dt = Date().timeIntervalSince(t0)
        var start = cfg
        start.iterations = 0
        let before = try accuracy(try DatasetCondensation.run(data, config: start), data, seed: 1)
        let after = try accuracy(syn, data, seed: 1)
        print("ACC dc fmnist ipc1: noise init \(before), after \(cfg.iterations) iterations (\(String(format: "%.0f", dt)) s) \(after); loss \(syn.loss.prefix(3)) ... \(syn.loss.suffix(3))")
        #expect(after > before + 0.1)
    }
}
