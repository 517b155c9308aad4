// Checkpoints of DM: a run stopped after k iterations and resumed from its file ends with
// the same bits as a straight run; mismatched settings, other methods and damaged files are
// errors that say which; a failing write leaves the previous checkpoint good and the run's set
// is still returned, the failure noted.
import Foundation
import Testing
import TestSupport
import TensorCore
import NeuralNet
import Persistence
@testable import Distillation

/// Records what a run reports.
final class StepLog: ProgressSink {
    var titles: [String] = []
    var steps: [Int] = []
    func begin(_ title: String, total: Int) { titles.append(title) }
    func update(step: Int, figures: [(String, Double)]) { steps.append(step) }
    func end(interrupted: Bool) {}
}

@Suite struct CheckpointTests {
    let folder: String
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("distill-ckpt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func config(iterations: Int) -> DMConfig {
        var c = DMConfig(ipc: 2)
        c.iterations = iterations
        c.batchReal = 8
        c.model = ModelSpec(kind: .convnet, width: 8, depth: 2)
        c.seed = 11
        return c
    }

    @Test(arguments: [1, 3, 5])
    func resumedRunIsBitIdentical(stopAt k: Int) throws {
        let data = try bandDataset()
        let straight = try DistributionMatching.run(data, config: config(iterations: 6))
        let cp = try Checkpoint(path: folder + "/dm-\(k).ddcheckpoint", every: 2)
        let first = try DistributionMatching.run(data, config: config(iterations: k), checkpoint: cp)
        #expect(first.iterations == k)
        let steps = StepLog()
        let resumed = try DistributionMatching.run(data, config: config(iterations: 6), checkpoint: cp, progress: steps)
        // Only the missing iterations ran.
        #expect(steps.titles == ["dm (resumed from iteration \(k))"])
        #expect(steps.steps == Array((k + 1)...6))
        #expect(resumed.images.data.map(\.bitPattern) == straight.images.data.map(\.bitPattern))
        #expect(resumed.loss.map(\.bitPattern) == straight.loss.map(\.bitPattern))
        #expect(resumed.iterations == 6)
        // Calling again with the finished checkpoint returns the same result without work.
        let again = try DistributionMatching.run(data, config: config(iterations: 6), checkpoint: cp)
        #expect(again.images == straight.images)
    }

    @Test func mismatchedSettingsNameTheFields() throws {
        let data = try bandDataset()
        let cp = try Checkpoint(path: folder + "/dm.ddcheckpoint", every: 1)
        _ = try DistributionMatching.run(data, config: config(iterations: 2), checkpoint: cp)
        var other = config(iterations: 4)
        other.learningRate = 0.5
        other.model.width = 16
        #expect {
            _ = try DistributionMatching.run(data, config: other, checkpoint: cp)
        } throws: { e in
            let p = e as? PersistenceError
            return p?.kind == .mismatch && p?.message.contains("learningRate: 0.5 here, 1 there; model.width: 16 here, 8 there") == true
        }
        #expect(throws: DistillError.self) { _ = try DistributionMatching.run(data, config: config(iterations: 1), checkpoint: cp) }
        let state = try #require(try cp.loadRun(method: "dm", config: config(iterations: 2)))
        #expect(throws: PersistenceError.self) { _ = try cp.loadRun(method: "dc", config: config(iterations: 2)) }
        #expect(state.step == 2 && state.loss.count == 2 && (state.state as? DMMethod.State)?.velocity?.count == 1)
    }

    @Test func damagedCheckpointIsAnErrorAndFailedWritesKeepTheOldOne() throws {
        let data = try bandDataset()
        let path = folder + "/dm.ddcheckpoint"
        let cp = try Checkpoint(path: path, every: 1)
        _ = try DistributionMatching.run(data, config: config(iterations: 2), checkpoint: cp)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        // A full disk while saving iteration 3: the run still returns its set, with the failure
        // noted; the old file stays.
        let full = try Checkpoint(path: path, every: 1, writer: AtomicWriter(faults: .init(write: (ENOSPC, 10))))
        let kept = try DistributionMatching.run(data, config: config(iterations: 3), checkpoint: full)
        #expect(kept.iterations == 3)
        #expect(kept.checkpointFailure?.hasPrefix("checkpoint not saved at step 3: cannot write checkpoint file '\(path)': the disk is full") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == good)
        var bytes = [UInt8](good)
        bytes[bytes.count - 1] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try DistributionMatching.run(data, config: config(iterations: 3), checkpoint: cp)
        } throws: { e in (e as? PersistenceError)?.message.contains("the data of 'loss' is damaged") == true }
        #expect(throws: TensorError.self) { _ = try Checkpoint(path: path, every: 0) }
    }

    /// Found with the checkpoint fuzz harness (docs/fuzzing.md): extents whose product overflows trapped.
    @Test func aShapeTooLargeToCountIsADamagedFile() throws {
        var blobs = BlobTable()
        let images = blobs.add("images", [1, 2, 3, 4])
        let loss = blobs.add("loss", [])
        // A format 1 checkpoint (named tensors).
        let content = StoredRun(method: "dm", config: try JSONValue(encoding: config(iterations: 2)), step: 0,
                                rng: Checkpoint.hexWords(SeededRNG(seed: 1)), loss: loss, state: nil,
                                tensors: ["images": [.object(["shape": .array([.integer(1 << 32), .integer(1 << 32), .integer(4)]), "blob": .string(images)])]],
                                numbers: [:])
        let path = folder + "/huge.ddcheckpoint"
        try Data(ArchiveFile.encode(content, kind: Checkpoint.kind, blobs: blobs)).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try Checkpoint(path: path, every: 1).load(method: "dm", config: config(iterations: 2))
        } throws: { e in (e as? PersistenceError)?.message.contains("tensor 'images' has 4 values for shape") == true }
    }
}
