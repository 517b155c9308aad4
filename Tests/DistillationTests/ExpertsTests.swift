// Expert trajectories: a snapshot after every epoch, files that round-trip bit-exactly, and
// damaged or inconsistent files refused with an error.
import Foundation
import Testing
import TestSupport
import TensorCore
import NeuralNet
import Persistence
@testable import Distillation

@Suite struct ExpertsTests {
    static func tiny(count: Int = 2, epochs: Int = 3) -> ExpertConfig {
        var c = ExpertConfig(count: count, epochs: epochs)
        c.batchSize = 8
        c.learningRate = 0.05
        c.model = ModelSpec(kind: .convnet, width: 4, depth: 1)
        c.dsa = "crop_scale"
        c.seed = 3
        return c
    }

    func temporaryPath() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("experts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder + "/e.ddexperts"
    }

    @Test func trainingKeepsEverySnapshot() throws {
        let data = try bandDataset()
        let experts = try Experts.train(data, config: Self.tiny())
        #expect(experts.trajectories.count == 2)
        #expect(experts.trajectories.allSatisfy { $0.count == 4 })
        let t = experts.trajectories[0]
        #expect(t[0] != t[1] && t[1] != t[3], "parameters did not move between epochs")
        #expect(experts.trajectories[0][0] != experts.trajectories[1][0], "experts share an initialisation")
        #expect(try Experts.train(data, config: Self.tiny()).trajectories == experts.trajectories)
        var bad = Self.tiny()
        bad.count = 0
        #expect(throws: TensorError.self) { try Experts.train(data, config: bad) }
    }

    @Test func filesRoundTripAndRejectDamage() throws {
        let data = try bandDataset()
        let experts = try Experts.train(data, config: Self.tiny(count: 1, epochs: 2))
        let path = try temporaryPath()
        try experts.save(to: path)
        let back = try Experts.load(from: path)
        #expect(back.config == experts.config && back.dataName == "bands" && back.imageShape == [1, 8, 8] && back.classes == 3)
        #expect(back.trajectories.count == 1)
        for (a, b) in zip(back.trajectories[0], experts.trajectories[0]) {
            #expect(a.map(\.shape) == b.map(\.shape))
            #expect(a.flatMap(\.data).map(\.bitPattern) == b.flatMap(\.data).map(\.bitPattern))
        }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        // A flipped bit near the end (blob area), in the manifest, and a truncated file.
        for damage in [{ (b: inout [UInt8]) in b[b.count - 5] ^= 0x10 }, { b in b[40] ^= 0x01 }, { b in b.removeLast(9) }] {
            var copy = bytes
            damage(&copy)
            try Data(copy).write(to: URL(fileURLWithPath: path))
            #expect(throws: PersistenceError.self) { try Experts.load(from: path) }
        }
        // Another kind of archive is refused too.
        try Checkpoint(path: path, every: 1).save(Checkpoint.State(step: 0, rng: SeededRNG(seed: 1), loss: [], tensors: [:]),
                                                  method: "dm", config: ["x": 1])
        #expect(throws: PersistenceError.self) { try Experts.load(from: path) }
    }
}
