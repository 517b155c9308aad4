import Testing
import TestSupport
import TensorCore
import NeuralNet
@testable import Distillation

@Suite struct DMTests {
    func smallConfig(ipc: Int = 2, iterations: Int = 6) -> DMConfig {
        var c = DMConfig(ipc: ipc)
        c.iterations = iterations
        c.batchReal = 8
        c.model = ModelSpec(kind: .convnet, width: 8, depth: 2)
        c.seed = 7
        return c
    }

    @Test func lossFallsAndShapesAreRight() throws {
        let data = try bandDataset()
        var cfg = smallConfig(iterations: 30)
        cfg.dsa = "none"
        cfg.initialization = .noise
        let syn = try DistributionMatching.run(data, config: cfg)
        #expect(syn.images.shape == [6, 1, 8, 8])
        #expect(syn.labels == [0, 0, 1, 1, 2, 2])
        #expect(syn.loss.count == 30)
        let early = syn.loss.prefix(5).reduce(0, +), late = syn.loss.suffix(5).reduce(0, +)
        #expect(late < early * 0.7, "loss did not fall: \(syn.loss)")
    }

    @Test func sameSeedSameImages() throws {
        let data = try bandDataset()
        let a = try DistributionMatching.run(data, config: smallConfig())
        let b = try DistributionMatching.run(data, config: smallConfig())
        #expect(a.images == b.images)
        var other = smallConfig()
        other.seed = 8
        #expect(try DistributionMatching.run(data, config: other).images != a.images)
    }

    @Test func badConfigThrows() throws {
        let data = try bandDataset()
        var c = smallConfig()
        c.ipc = 0
        #expect(throws: DistillError.self) { try DistributionMatching.run(data, config: c) }
        c = smallConfig(ipc: 50)
        #expect(throws: DistillError.self) { try DistributionMatching.run(data, config: c) }
        c = smallConfig()
        c.dsa = "color_zoom"
        #expect(throws: TensorError.self) { try DistributionMatching.run(data, config: c) }
    }
}
