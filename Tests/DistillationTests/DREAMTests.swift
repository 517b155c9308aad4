import Testing
import TestSupport
import TensorCore
import Autograd
import Datasets
import NeuralNet
@testable import Distillation

@Suite struct DREAMTests {
    /// One class made of three tight groups of 8x8 images (flat −2, 0 and +2, plus a little
    /// noise), four images each, and a second class of noise.
    func groupedSplit() throws -> DatasetSplit {
        var rng = SeededRNG(seed: 4)
        var d = [Float](), labels = [Int]()
        for i in 0..<12 {
            let level = Float(i % 3 - 1) * 2
            for _ in 0..<64 { d.append(level + 0.05 * rng.nextNormal()) }
            labels.append(0)
        }
        for _ in 0..<6 {
            for _ in 0..<64 { d.append(rng.nextNormal()) }
            labels.append(1)
        }
        return try DatasetSplit(images: Tensor(unchecked: [18, 1, 8, 8], data: d), labels: labels, classCount: 2)
    }

    func net() throws -> Model {
        var rng = SeededRNG(seed: 9)
        return try ModelSpec(kind: .convnet, width: 8, depth: 2).build(imageShape: [1, 8, 8], classes: 2, rng: &rng)
    }

    @Test func representativesCoverTheGroupsOfAClass() throws {
        let split = try groupedSplit()
        var rng = SeededRNG(seed: 1)
        let reps = try DREAM.representatives(try net(), split: split, ofClass: 0, count: 3, rng: &rng)
        #expect(reps.count == 3 && Set(reps).count == 3)
        #expect(reps.allSatisfy { split.labels[$0] == 0 })
        #expect(Set(reps.map { $0 % 3 }) == [0, 1, 2], "one representative per group, got \(reps)")
        // More centres than images: every image of the class, once.
        let all = try DREAM.representatives(try net(), split: split, ofClass: 1, count: 50, rng: &rng)
        #expect(all.sorted() == split.classIndex[1])
        // A pool restricts the candidates.
        let pooled = try DREAM.representatives(try net(), split: split, ofClass: 0, count: 2, pool: 5, rng: &rng)
        #expect(pooled.count == 2 && pooled.allSatisfy { split.labels[$0] == 0 })
    }

    @Test func selectorReclustersEveryInterval() throws {
        let split = try groupedSplit()
        let model = try net()
        var rng = SeededRNG(seed: 2)
        var selector = RealBatchSelector(.dream(interval: 3, pool: 0), classes: 2)
        var batches: [Tensor] = []
        var seen: [[[Int]]] = []
        for step in 0..<4 {
            if step == 3 { model.parameters[0] = try model.parameters[0] * 3 }   // the network changes
            try selector.refresh(step: step, net: model, split: split, batch: 2, rng: &rng)
            seen.append(selector.representatives)
            batches.append(try selector.batch(ofClass: 0, split: split, count: 2, rng: &rng))
        }
        #expect(seen[0] == seen[1] && seen[1] == seen[2])
        #expect(batches[0] == batches[1] && batches[0].shape == [2, 1, 8, 8])
        #expect(seen[3].count == 2 && seen[3][1].count == 2)
        var random = RealBatchSelector(.random, classes: 2)
        try random.refresh(step: 0, net: model, split: split, batch: 2, rng: &rng)
        #expect(random.representatives.isEmpty)
    }

    func smallConfig() throws -> IDCConfig {
        var c = DREAM.reference(for: try bandDataset(), ipc: 1)
        c.iterations = 3
        c.innerLoop = 3
        c.batchReal = 4
        c.netData = 16
        c.learningRate = 0.05
        c.model = ModelSpec(kind: .convnet, width: 8, depth: 2)
        c.seed = 31
        return c
    }

    @Test func dreamRunsOnIDCAndIsDeterministic() throws {
        let data = try bandDataset()
        let cfg = try smallConfig()
        #expect(cfg.selection == .dream && cfg.initialization == .kmeans)
        let a = try DREAM.run(data, config: cfg)
        let b = try DREAM.run(data, config: cfg)
        #expect(a.method == "dream" && a.settings["select"] == "dream(interval: 10)")
        #expect(a.images == b.images && a.loss == b.loss)
        var random = cfg
        random.selection = .random
        #expect(try IDC.run(data, config: random).images != a.images)
        #expect(a.loss.allSatisfy { $0.isFinite })
    }

    @Test func kmeansInitialisationPacksRealImagesOfTheClass() throws {
        let data = try bandDataset()
        var cfg = try smallConfig()
        cfg.iterations = 0
        let syn = try DREAM.run(data, config: cfg)
        // Each decoded tile of class k is bright in band k, like the class's real images.
        let (x, y) = try syn.trainingImages()
        for (i, label) in y.enumerated() {
            let img = try x.slice(axis: 0, i..<(i + 1)).data
            var bandMeans = [Float](repeating: 0, count: 3)
            for row in 0..<8 { for col in 0..<8 { bandMeans[row * 3 / 8] += img[row * 8 + col] } }
            #expect(bandMeans.firstIndex(of: bandMeans.max()!) == label, "image \(i) of class \(label): \(bandMeans)")
        }
    }

    @Test func dcAcceptsDreamSelection() throws {
        let data = try bandDataset()
        var c = DCConfig(ipc: 1)
        c.iterations = 2
        c.batchReal = 4
        c.selection = .dream(interval: 1, pool: 6)
        c.model = ModelSpec(kind: .convnet, width: 4, depth: 2)
        let syn = try DatasetCondensation.run(data, config: c)
        #expect(syn.loss.count == 2 && syn.settings["select"] == "dream(interval: 1, pool: 6)")
    }

    @Test func badSelectionsThrow() throws {
        let data = try bandDataset()
        var c = try smallConfig()
        c.selection = .dream(interval: 0, pool: 0)
        #expect(throws: DistillError.self) { try DREAM.run(data, config: c) }
        c.selection = .dream(interval: 5, pool: -1)
        #expect(throws: DistillError.self) { try DREAM.run(data, config: c) }
        c = try smallConfig()
        c.ipc = 4   // k-means init needs 4 x 4 images per class, the fixture has 12
        #expect(throws: TensorError.self) { try DREAM.run(data, config: c) }
        var dc = DCConfig(ipc: 1)
        dc.selection = .dream(interval: 0, pool: 0)
        #expect(throws: DistillError.self) { try DatasetCondensation.run(data, config: dc) }
    }
}
