// Fuzz target `checkpoint`: checkpoint files through Persistence's reader and
// Checkpoint.load. A state that loads must save and load again to the same step and losses.
import Distillation
import Foundation
import Persistence
import TensorCore

enum CheckpointHarness {
    static let target = FuzzTarget(
        name: "checkpoint", summary: "checkpoint files: ArchiveFile and Checkpoint.load, round trip",
        maxLength: 4096, run: run, seeds: { seeds() + typedSeeds() })

    /// The settings of the typed (format 2) seeds: a DM run's.
    static let typedConfig: DMConfig = {
        var c = DMConfig(ipc: 2)
        c.iterations = 10
        return c
    }()

    /// The settings the fuzzed files are checked against (a method's config in real runs).
    struct Config: Encodable {
        var ipc = 2
        var lr = 0.5
        var iterations = 10
    }

    static func run(_ input: [UInt8]) {
        let path = ScratchFile.write(ArchiveFixup.file(from: input), name: "in.ddcheckpoint")
        runTyped(path)
        let state: Checkpoint.State?
        do {
            state = try Checkpoint(path: path, every: 1).load(method: "dm", config: Config())
        } catch {
            FuzzTarget.requireMessage(error, "checkpoint")
            return
        }
        guard let state else { return }
        do {
            let again = try Checkpoint(path: ScratchFile.folder + "/again.ddcheckpoint", every: 1)
            try again.save(state, method: "dm", config: Config())
            let back = try again.load(method: "dm", config: Config())
            FuzzTarget.require(back?.step == state.step && back?.loss.count == state.loss.count,
                               "checkpoint: a loaded state reads back different")
        } catch {
            FuzzTarget.require(false, "checkpoint: a loaded state does not save and load again: \(error)")
        }
    }

    /// A distillation run's typed state (format 2, or format 1 migrated): one that loads must
    /// save and load again to the same step.
    static func runTyped(_ path: String) {
        let record: RunRecord?
        do {
            record = try Checkpoint(path: path, every: 1).loadRun(method: "dm", config: typedConfig)
        } catch {
            FuzzTarget.requireMessage(error, "checkpoint")
            return
        }
        guard let record else { return }
        do {
            let again = try Checkpoint(path: ScratchFile.folder + "/again-typed.ddcheckpoint", every: 1)
            try again.save(record)
            let back = try again.loadRun(method: "dm", config: typedConfig)
            FuzzTarget.require(back?.step == record.step && back?.loss.count == record.loss.count,
                               "checkpoint: a loaded run reads back different")
        } catch {
            FuzzTarget.require(false, "checkpoint: a loaded run does not save and load again: \(error)")
        }
    }

    static func typedSeeds() -> [(String, [UInt8])] {
        let path = ScratchFile.folder + "/seed-typed.ddcheckpoint"
        let images = Tensor(unchecked: [2, 1, 2, 2], data: (0..<8).map(Float.init))
        let states = [DMMethod.State(images: images),
                      DMMethod.State(images: images, velocity: [images], representatives: [[0, 1], [2]], representativesAge: 1)]
        return states.enumerated().flatMap { i, state -> [(String, [UInt8])] in
            do {
                try? FileManager.default.removeItem(atPath: path)
                let record = RunRecord(method: "dm", config: try JSONValue(encoding: typedConfig), step: i, rng: SeededRNG(seed: 3),
                                       loss: [Float](repeating: 0.5, count: i), state: state)
                try Checkpoint(path: path, every: 1).save(record)
            } catch { fatalError("typed checkpoint seed \(i): \(error)") }
            return ArchiveFixup.seeds("typed\(i)", [UInt8](FileManager.default.contents(atPath: path)!))
        }
    }

    static func seeds() -> [(String, [UInt8])] {
        let path = ScratchFile.folder + "/seed.ddcheckpoint"
        let states = [
            Checkpoint.State(step: 0, rng: SeededRNG(seed: 1), loss: [], tensors: [:]),
            Checkpoint.State(step: 3, rng: SeededRNG(seed: 2), loss: [1, 0.5, 0.25],
                             tensors: ["images": [Tensor(unchecked: [2, 1, 2, 2], data: (0..<8).map(Float.init))],
                                       "momentum": [Tensor(unchecked: [2], data: [0, 1]), Tensor(unchecked: [1, 1], data: [2])]],
                             numbers: ["t": 3]),
        ]
        return states.enumerated().flatMap { i, state -> [(String, [UInt8])] in
            do {
                try? FileManager.default.removeItem(atPath: path)
                try Checkpoint(path: path, every: 1).save(state, method: "dm", config: Config())
            } catch { fatalError("checkpoint seed \(i): \(error)") }
            return ArchiveFixup.seeds("checkpoint\(i)", [UInt8](FileManager.default.contents(atPath: path)!))
        }
    }
}
