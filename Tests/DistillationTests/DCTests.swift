import Testing
import TestSupport
import TensorCore
import Autograd
import Datasets
import NeuralNet
@testable import Distillation

@Suite struct DCTests {
    func smallConfig(ipc: Int = 2, iterations: Int = 4) -> DCConfig {
        var c = DCConfig(ipc: ipc)
        c.iterations = iterations
        c.batchReal = 12
        c.model = ModelSpec(kind: .convnet, width: 8, depth: 2)
        c.seed = 11
        return c
    }

    /// Mean matching loss of `images` over a few fixed networks, each class against all of its
    /// real images (no sampling), so it measures the images and nothing else.
    func heldOutLoss(_ images: Tensor, data: Dataset, ipc: Int, spec: ModelSpec) throws -> Float {
        var total: Float = 0
        for s in 0..<4 {
            var rng = SeededRNG(seed: 900 + UInt64(s))
            let net = try spec.build(imageShape: data.imageShape, classes: data.classCount, rng: &rng)
            let params = net.parameterVariables()
            for c in 0..<data.classCount {
                let real = try data.train.gather(data.train.classIndex[c]).images
                let target = try GradientMatching.parameterGradients(
                    net, params, images: Variable(real), labels: [Int](repeating: c, count: real.shape[0]), mode: .train)
                let syn = Variable(try images.slice(axis: 0, (c * ipc)..<((c + 1) * ipc)))
                total += try GradientMatching.matchingLoss(
                    net, params, realGradients: target, synthetic: syn, labels: [Int](repeating: c, count: ipc),
                    mode: .train, distance: .ours, include: GradientMatching.includedParameters(net)).value.data[0]
            }
        }
        return total / 4
    }

    @Test func loopsFollowTheReferenceTable() {
        #expect(DCConfig(ipc: 1).loops == (1, 1))
        #expect(DCConfig(ipc: 10).loops == (10, 50))
        #expect(DCConfig(ipc: 50).loops == (50, 10))
        #expect(DCConfig(ipc: 12).loops == (12, 50))
        var c = DCConfig(ipc: 10)
        c.outerLoop = 3
        c.innerLoop = 0
        #expect(c.loops == (3, 0))
    }

    @Test func matchingLossFallsOnTheFixture() throws {
        let data = try bandDataset()
        let cfg = smallConfig(iterations: 12)
        let syn = try DatasetCondensation.run(data, config: cfg)
        #expect(syn.images.shape == [6, 1, 8, 8])
        #expect(syn.labels == [0, 0, 1, 1, 2, 2])
        #expect(syn.loss.count == 12 && syn.iterations == 12 && syn.method == "dc")
        var rng = SeededRNG(seed: cfg.seed)
        let start = try SyntheticSet.initialImages(data.train, ipc: 2, classes: 3, mode: .noise, rng: &rng)
        let before = try heldOutLoss(start, data: data, ipc: 2, spec: cfg.model)
        let after = try heldOutLoss(syn.images, data: data, ipc: 2, spec: cfg.model)
        #expect(after < before * 0.8, "held-out matching loss \(before) -> \(after)")
    }

    @Test func sameSeedSameImagesAndDSADiffers() throws {
        let data = try bandDataset()
        let a = try DatasetCondensation.run(data, config: smallConfig())
        let b = try DatasetCondensation.run(data, config: smallConfig())
        #expect(a.images == b.images && a.loss == b.loss)
        var dsa = smallConfig()
        dsa.dsa = DSA.defaultStrategy
        let c = try DatasetCondensation.run(data, config: dsa)
        #expect(c.method == "dsa" && c.images != a.images)
        #expect(try DatasetCondensation.run(data, config: dsa).images == c.images)
        var other = smallConfig()
        other.seed = 12
        #expect(try DatasetCondensation.run(data, config: other).images != a.images)
    }

    @Test func dsaPresetAndBatchNormNetworksRun() throws {
        let data = try bandDataset()
        var cfg = DCConfig.dsa(ipc: 1)
        #expect(cfg.initialization == .real && cfg.dsa == DSA.defaultStrategy && cfg.learningRate == 0.1)
        cfg.iterations = 2
        cfg.batchReal = 6
        cfg.model = ModelSpec(kind: .convnet, width: 4, depth: 2, norm: .batch)
        let syn = try DatasetCondensation.run(data, config: cfg)
        #expect(syn.images.shape == [3, 1, 8, 8])
        #expect(syn.images.data.allSatisfy { $0.isFinite } && syn.loss.allSatisfy { $0.isFinite })
    }

    @Test func progressCountsMatchingSteps() throws {
        let data = try bandDataset()
        var cfg = smallConfig(iterations: 2)
        cfg.outerLoop = 3
        cfg.innerLoop = 1
        let sink = RecordingProgress()
        _ = try DatasetCondensation.run(data, config: cfg, progress: sink)
        #expect(sink.total == 6 && sink.steps == [1, 2, 3, 4, 5, 6] && sink.ended == [false])
    }

    @Test func badConfigsThrow() throws {
        let data = try bandDataset()
        var c = smallConfig()
        c.ipc = 0
        #expect(throws: DistillError.self) { try DatasetCondensation.run(data, config: c) }
        c = smallConfig()
        c.iterations = -1
        #expect(throws: DistillError.self) { try DatasetCondensation.run(data, config: c) }
        c = smallConfig()
        c.learningRate = 0
        #expect(throws: DistillError.self) { try DatasetCondensation.run(data, config: c) }
        c = smallConfig()
        c.outerLoop = 0
        #expect(throws: DistillError.self) { try DatasetCondensation.run(data, config: c) }
        c = smallConfig(ipc: 13)
        c.initialization = .real
        #expect(throws: DistillError.self) { try DatasetCondensation.run(data, config: c) }
        c = smallConfig()
        c.dsa = "color_zoom"
        #expect(throws: TensorError.self) { try DatasetCondensation.run(data, config: c) }
    }
}

/// Remembers what a run reported.
final class RecordingProgress: ProgressSink {
    var total = 0, steps: [Int] = [], ended: [Bool] = []
    func begin(_ title: String, total: Int) { self.total = total }
    func update(step: Int, figures: [(String, Double)]) { steps.append(step) }
    func end(interrupted: Bool) { ended.append(interrupted) }
}
