// MTT: the trajectory loss falls and the step size is learned, checkpointed memory gives the
// same run, checkpoints resume bit-identically, and unfit experts are refused.
import Foundation
import Testing
import TestSupport
import TensorCore
import NeuralNet
@testable import Distillation

@Suite struct MTTTests {
    static let data = Result { try bandDataset() }
    static let experts = Result { try Experts.train(try data.get(), config: ExpertsTests.tiny(count: 2, epochs: 3)) }

    func small(_ iterations: Int) -> MTTConfig {
        var c = MTTConfig(ipc: 2)
        c.iterations = iterations
        c.synSteps = 4
        c.expertEpochs = 1
        c.maxStartEpoch = 2
        c.lrImages = 10
        c.lrLR = 1e-4
        c.lrTeacher = 0.05
        c.dsa = "crop_scale"
        c.model = ExpertsTests.tiny().model
        c.seed = 2
        return c
    }

    @Test func lossFallsAndStepSizeIsLearned() throws {
        let data = try Self.data.get()
        let syn = try MTT.run(data, experts: try Self.experts.get(), config: small(30))
        #expect(syn.images.shape == [6, 1, 8, 8] && syn.method == "mtt")
        let early = syn.loss.prefix(6).reduce(0, +), late = syn.loss.suffix(6).reduce(0, +)
        #expect(late < early * 0.9, "loss did not fall: \(syn.loss)")
        let lr = try #require(syn.learnedLR)
        #expect(lr != 0.05 && lr.isFinite)
        #expect(syn.settings["syn_lr"] == "\(lr)")
    }

    @Test func checkpointedMemoryGivesTheSameRun() throws {
        let data = try Self.data.get()
        var c = small(2)
        let plain = try MTT.run(data, experts: try Self.experts.get(), config: c)
        c.memory = .checkpointed
        let ckpt = try MTT.run(data, experts: try Self.experts.get(), config: c)
        #expect(closenessFailure(ckpt.images, plain.images, atol: 1e-4, rtol: 1e-3) == nil)
        #expect(abs(ckpt.learnedLR! - plain.learnedLR!) <= 1e-6)
    }

    @Test func checkpointResumesBitIdentically() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mtt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = try Self.data.get(), experts = try Self.experts.get()
        let straight = try MTT.run(data, experts: experts, config: small(3))
        let cp = try Checkpoint(path: folder + "/mtt.ddcheckpoint", every: 1)
        _ = try MTT.run(data, experts: experts, config: small(2), checkpoint: cp)
        let resumed = try MTT.run(data, experts: experts, config: small(3), checkpoint: cp)
        #expect(resumed.images.data.map(\.bitPattern) == straight.images.data.map(\.bitPattern))
        #expect(resumed.learnedLR?.bitPattern == straight.learnedLR?.bitPattern)
        #expect(resumed.loss.map(\.bitPattern) == straight.loss.map(\.bitPattern))
    }

    @Test func unfitExpertsAreRefused() throws {
        let data = try Self.data.get(), experts = try Self.experts.get()
        var long = small(1)
        long.maxStartEpoch = 3
        long.expertEpochs = 2   // needs 4 epochs, the experts have 3
        #expect(throws: DistillError.self) { try MTT.run(data, experts: experts, config: long) }
        var other = small(1)
        other.model = ModelSpec(kind: .convnet, width: 5, depth: 1)
        #expect(throws: DistillError.self) { try MTT.run(data, experts: experts, config: other) }
        let reference = MTTConfig.reference(for: "cifar10", ipc: 1)
        #expect(reference.zca && reference.config.synSteps == 50 && reference.config.lrLR == 1e-7)
        #expect(MTTConfig.reference(for: "cifar100", ipc: 50).config.batchSyn == 125)
    }
}
