// What keeps a long run from losing its work or spinning: a checkpoint path that cannot be
// written fails before the first step, a checkpoint with an all-zero generator is refused, and
// a run whose images turn non-finite hands back its last finite images, marked.
import Foundation
import Testing
import TensorCore
import NeuralNet
import Persistence
@testable import Distillation

@Suite struct RunSafetyTests {
    let folder: String
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("distill-safety-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Without normalisation the embeddings scale with the images, so a huge lr blows them up.
    func config(iterations: Int, lr: Float = 1) -> DMConfig {
        var c = DMConfig(ipc: 1)
        c.iterations = iterations
        c.batchReal = 4
        c.learningRate = lr
        c.model = ModelSpec(kind: .convnet, width: 4, depth: 1, norm: lr > 1e6 ? .none : .instance)
        c.seed = 3
        return c
    }

    @Test func anUnwritableCheckpointPathFailsAtOnce() throws {
        #expect(throws: PersistenceError.self) { _ = try Checkpoint(path: folder + "/missing/x.ckpt", every: 1) }
        #expect(throws: PersistenceError.self) { _ = try Checkpoint(path: folder, every: 1) }
        #expect {
            _ = try Checkpoint(path: folder + "/x.ckpt", every: 1, writer: AtomicWriter(faults: .init(create: EROFS)))
        } throws: { e in
            (e as? PersistenceError)?.message == "cannot write checkpoint file '\(folder)/x.ckpt': the file system is read-only (HINT: choose another folder)"
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [], "the check leaves nothing behind")
    }

    @Test func aFailedSaveLeavesTheTrainingResultAndSaysSo() throws {
        let data = try bandDataset()
        let path = folder + "/t.ddcheckpoint"
        let full = try Checkpoint(path: path, every: 1, writer: AtomicWriter(faults: .init(write: (ENOSPC, 0))))
        var rng = SeededRNG(seed: 1)
        let model = try ModelSpec(kind: .convnet, width: 4, depth: 1).build(imageShape: [1, 8, 8], classes: 3, rng: &rng)
        var config = TrainConfig.evaluation(epochs: 2, learningRate: 0.05)
        config.batchSize = 8
        let hook = try full.trainHook(config: ["seed": 1], epochs: 2)
        let history = try Trainer.train(model, images: data.train.images, labels: data.train.labels, config: config, rng: &rng, hook: hook)
        #expect(history.loss.count == 2)
        #expect(full.failure?.hasPrefix("checkpoint not saved at step 2: cannot write checkpoint file '\(path)': the disk is full") == true)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func ddStepsThatBlowUpTheWeightsGiveNoAccuracy() throws {
        let data = try bandDataset()
        var c = DDConfig(ipc: 2)
        c.steps = 2
        c.epochs = 1
        c.iterations = 0
        c.model = ModelSpec(kind: .convnet, width: 4, depth: 1, norm: .none)
        c.seed = 11
        var set = try DD.run(data, config: c)
        set.artifacts.learnedSteps = DD.learnedSteps(c, rates: [3e38, 3e38])
        let r = try DD.evaluate(set, data: data, runs: 1, seed: 1)
        #expect(r.diverged == "of run 1 diverged (the learned steps made the weights non-finite)")
        #expect(r.accuracies.isEmpty && r.mean.isNaN)
    }

    @Test func anAllZeroGeneratorIsRefusedOnLoad() throws {
        let data = try bandDataset()
        let path = folder + "/dm.ddcheckpoint"
        let cp = try Checkpoint(path: path, every: 1)
        _ = try DistributionMatching.run(data, config: config(iterations: 2), checkpoint: cp)
        // Rewrite with valid CRCs and the generator's four words all zero.
        let (content, store) = try ArchiveFile.read(JSONValue.self, kind: "checkpoint", from: path)
        guard case .object(var fields) = content else { Issue.record("not an object"); return }
        fields["rng"] = .array([.string("0"), .string("0"), .string("0"), .string("0")])
        var blobs = BlobTable()
        for name in store.names { blobs.add(name, try store.values(name)) }
        try ArchiveFile.write(JSONValue.object(fields), kind: "checkpoint", blobs: blobs, to: path)
        #expect(throws: PersistenceError(.damaged, "checkpoint file '\(path)': it holds a generator state of all zeros, which xoshiro256** never produces (the file was altered or damaged) (HINT: delete the checkpoint to start afresh)")) {
            _ = try DistributionMatching.run(data, config: config(iterations: 4), checkpoint: cp)
        }
        #expect(Checkpoint.isDegenerate(SeededRNG(seed: 0)) == false)
    }

    @Test func aDivergingRunReturnsItsLastFiniteImages() throws {
        let data = try bandDataset()
        let set = try DistributionMatching.run(data, config: config(iterations: 6, lr: 1e30))
        let diverged = try #require(set.diverged)
        #expect(diverged.contains("image values non-finite"), "\(diverged)")
        #expect(set.images.data.allSatisfy { $0.isFinite })
        #expect(set.iterations < 6 && set.loss.count == set.iterations)
        #expect(diverged.hasPrefix("iteration \(set.iterations + 1) made "))
        #expect(diverged.hasSuffix("the set holds the images of iteration \(set.iterations)"))
        // The same run stopped before the bad iteration gives the same images: nothing else moved.
        let before = try DistributionMatching.run(data, config: config(iterations: set.iterations, lr: 1e30))
        #expect(before.images == set.images)
        #expect(before.diverged == nil)
    }

    @Test func trainingThatDivergesStopsAndSaysWhere() throws {
        let data = try bandDataset()
        var rng = SeededRNG(seed: 1)
        let model = try ModelSpec(kind: .convnet, width: 4, depth: 1).build(imageShape: [1, 8, 8], classes: 3, rng: &rng)
        var config = TrainConfig.evaluation(epochs: 5, learningRate: 1e30)
        config.batchSize = 8
        let history = try Trainer.train(model, images: data.train.images, labels: data.train.labels, config: config, rng: &rng)
        let d = try #require(history.diverged)
        #expect(d.description == "diverged at epoch \(d.epoch) (loss \(d.loss))")
        #expect(history.loss.count == d.epoch - 1 && history.loss.allSatisfy { $0.isFinite })
        let result = try Evaluation.run(images: data.train.images, labels: data.train.labels, testImages: data.test.images,
                                        testLabels: data.test.labels, config: config, runs: 3, seed: 2,
                                        makeModel: { try ModelSpec(kind: .convnet, width: 4, depth: 1).build(imageShape: [1, 8, 8], classes: 3, rng: &$0) })
        #expect(result.diverged?.hasPrefix("of run 1 diverged at epoch ") == true)
        #expect(result.mean.isNaN && result.std.isNaN)
        #expect(result.summary.hasPrefix("ConvNet-D1W4 on 36 images: no test accuracy: training of run 1 diverged at epoch "), "\(result.summary)")
    }
}
