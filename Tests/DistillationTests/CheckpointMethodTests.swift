// Checkpoints of the gradient-matching methods (DC, DSA, IDC, DREAM): stopped after k
// iterations and resumed, a run ends with the bits of a straight run; a checkpoint of one
// method is refused by another.
import Foundation
import Testing
import TestSupport
import TensorCore
import NeuralNet
import Persistence
@testable import Distillation

@Suite struct CheckpointMethodTests {
    let folder: String
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("distill-ckpt-m-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func dc(_ iterations: Int, dsa: Bool) -> DCConfig {
        var c = dsa ? DCConfig.dsa(ipc: 2) : DCConfig(ipc: 2)
        c.iterations = iterations
        c.batchReal = 8
        c.outerLoop = 2
        c.innerLoop = 1
        c.model = ModelSpec(kind: .convnet, width: 4, depth: 1)
        c.seed = 5
        return c
    }

    func idc(_ iterations: Int, dream: Bool) -> IDCConfig {
        var c = IDCConfig(ipc: 1)
        c.iterations = iterations
        c.innerLoop = 2
        c.batchReal = 4
        c.netData = 8
        c.model = ModelSpec(kind: .convnet, width: 4, depth: 1)
        if dream { c.selection = .dream(interval: 1, pool: 0); c.initialization = .kmeans }
        c.seed = 6
        return c
    }

    @Test(arguments: [false, true]) func dcAndDSAResumeBitIdentically(_ dsa: Bool) throws {
        let data = try bandDataset()
        let straight = try DatasetCondensation.run(data, config: dc(3, dsa: dsa))
        let cp = try Checkpoint(path: folder + "/dc-\(dsa).ddcheckpoint", every: 1)
        _ = try DatasetCondensation.run(data, config: dc(1, dsa: dsa), checkpoint: cp)
        let steps = StepLog()
        let resumed = try DatasetCondensation.run(data, config: dc(3, dsa: dsa), checkpoint: cp, progress: steps)
        #expect(steps.steps == [3, 4, 5, 6])   // two matching steps per iteration, iterations 2 and 3
        #expect(resumed.images.data.map(\.bitPattern) == straight.images.data.map(\.bitPattern))
        #expect(resumed.loss.map(\.bitPattern) == straight.loss.map(\.bitPattern))
    }

    @Test(arguments: [false, true]) func idcAndDREAMResumeBitIdentically(_ dream: Bool) throws {
        let data = try bandDataset()
        let straight = try IDC.run(data, config: idc(3, dream: dream))
        let cp = try Checkpoint(path: folder + "/idc-\(dream).ddcheckpoint", every: 2)
        _ = try IDC.run(data, config: idc(2, dream: dream), checkpoint: cp)
        let resumed = try IDC.run(data, config: idc(3, dream: dream), checkpoint: cp)
        #expect(resumed.images.data.map(\.bitPattern) == straight.images.data.map(\.bitPattern))
        #expect(resumed.loss.map(\.bitPattern) == straight.loss.map(\.bitPattern))
    }

    @Test func anotherMethodsCheckpointIsRefused() throws {
        let data = try bandDataset()
        let cp = try Checkpoint(path: folder + "/shared.ddcheckpoint", every: 1)
        _ = try DatasetCondensation.run(data, config: dc(1, dsa: false), checkpoint: cp)
        #expect(throws: PersistenceError.self) { try IDC.run(data, config: idc(1, dream: false), checkpoint: cp) }
        #expect(throws: PersistenceError.self) { try DatasetCondensation.run(data, config: dc(1, dsa: true), checkpoint: cp) }
    }
}
