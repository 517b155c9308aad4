// Wall-clock budgets, resuming from a returned set, DREAM's selection inside DM and k-means
// initialisation, on the tiny band fixture.
import Testing
import TensorCore
import NeuralNet
@testable import Distillation

@Suite struct RunControlTests {
    func dmConfig(iterations: Int = 6) -> DMConfig {
        var c = DMConfig(ipc: 2)
        c.iterations = iterations
        c.batchReal = 8
        c.model = ModelSpec(kind: .convnet, width: 8, depth: 2)
        c.seed = 7
        return c
    }

    @Test func durationsParse() throws {
        #expect(try RunControl.seconds("90") == 90)
        #expect(try RunControl.seconds("90s") == 90)
        #expect(try RunControl.seconds("10m") == 600)
        #expect(try RunControl.seconds(" 1.5h") == 5400)
        for bad in ["", "m", "-3s", "ten minutes", "0", "inf"] {
            #expect(throws: TensorError.self, "\(bad)") { try RunControl.seconds(bad) }
        }
    }

    @Test func budgetStopsBeforeAnIterationThatWouldOverrun() throws {
        let data = try bandDataset()
        // The first two iterations always run (the first may carry one-off work).
        let syn = try DistributionMatching.run(data, config: dmConfig(iterations: 5), control: RunControl(budget: 1e-9))
        #expect(syn.iterations == 2)
        #expect(syn.loss.count == 2)
        #expect(syn.budgetSpent)
        #expect(!syn.interrupted)
        let ample = try DistributionMatching.run(data, config: dmConfig(iterations: 3), control: RunControl(budget: 3600))
        #expect(ample.iterations == 3 && !ample.budgetSpent)
        #expect(median([.seconds(5), .seconds(1), .seconds(3)]) == .seconds(3))
        #expect(median([.seconds(2), .seconds(1)]) == .seconds(2))
    }

    @Test func resumingAReturnedSetGivesTheBitsOfAnUnbrokenRun() throws {
        let data = try bandDataset()
        let whole = try DistributionMatching.run(data, config: dmConfig(iterations: 6))
        let part = try DistributionMatching.run(data, config: dmConfig(iterations: 2))
        let rest = try DistributionMatching.run(data, config: dmConfig(iterations: 6), control: RunControl(resume: part))
        #expect(rest.images == whole.images)
        #expect(rest.loss == whole.loss)
        #expect(rest.iterations == 6)
        // A budget-stopped set resumes the same way.
        let stopped = try DistributionMatching.run(data, config: dmConfig(iterations: 6), control: RunControl(budget: 1e-9))
        let finished = try DistributionMatching.run(data, config: dmConfig(iterations: 6), control: RunControl(resume: stopped))
        #expect(finished.images == whole.images)
    }

    @Test func resumingWithOtherSettingsIsAnError() throws {
        let data = try bandDataset()
        let part = try DistributionMatching.run(data, config: dmConfig(iterations: 2))
        var other = dmConfig(iterations: 4)
        other.learningRate = 0.5
        let e = #expect(throws: DistillError.self) { try DistributionMatching.run(data, config: other, control: RunControl(resume: part)) }
        #expect(e?.message.contains("other settings") == true, "\(e?.message ?? "")")
        let fewer = dmConfig(iterations: 1)
        #expect(throws: DistillError.self) { try DistributionMatching.run(data, config: fewer, control: RunControl(resume: part)) }
        var fresh = part
        fresh.run = nil
        let none = #expect(throws: DistillError.self) { try DistributionMatching.run(data, config: dmConfig(), control: RunControl(resume: fresh)) }
        #expect(none?.message.contains("holds no run state") == true)
    }

    @Test func dcResumesFromAReturnedSet() throws {
        let data = try bandDataset()
        var c = DCConfig(ipc: 1)
        c.iterations = 2
        c.batchReal = 4
        c.outerLoop = 1
        c.innerLoop = 1
        c.model = ModelSpec(kind: .convnet, width: 4, depth: 1)
        let whole = try DatasetCondensation.run(data, config: c)
        var short = c
        short.iterations = 1
        let part = try DatasetCondensation.run(data, config: short)
        let rest = try DatasetCondensation.run(data, config: c, control: RunControl(resume: part))
        #expect(rest.images == whole.images)
    }

    @Test func dreamSelectionInDMLowersTheLossAndResumesExactly() throws {
        let data = try bandDataset()
        for features in DreamFeatures.allCases {
            var c = dmConfig(iterations: 20)
            c.selection = .dream(interval: 3, pool: 0)
            c.dreamFeatures = features
            c.dsa = "none"
            c.initialization = .noise
            let syn = try DistributionMatching.run(data, config: c)
            #expect(syn.settings["select"] == "dream(interval: 3)")
            let early: Float = syn.loss.prefix(3).reduce(0, +), late: Float = syn.loss.suffix(3).reduce(0, +)
            #expect(late < early * 0.7, "\(features): \(syn.loss)")
            // Stop between re-clusterings (iteration 4 of interval 3) and resume.
            var short = c
            short.iterations = 4
            let part = try DistributionMatching.run(data, config: short)
            #expect((part.run?.state as? DMMethod.State)?.representatives?.count == data.classCount)
            let rest = try DistributionMatching.run(data, config: c, control: RunControl(resume: part))
            #expect(rest.images == syn.images, "\(features)")
        }
    }

    @Test func dreamRepresentativesAreDistinctImagesOfTheirClass() throws {
        let data = try bandDataset()
        var rng = SeededRNG(seed: 3)
        let net = try ModelSpec(kind: .convnet, width: 8, depth: 2).build(imageShape: data.imageShape, classes: 3, rng: &rng)
        for c in 0..<3 {
            let picks = try DREAM.representatives(net, split: data.train, ofClass: c, count: 4, rng: &rng)
            #expect(Set(picks).count == 4)
            #expect(picks.allSatisfy { data.train.labels[$0] == c })
        }
    }

    @Test func kmeansInitialisationUsesRealImagesOfEachClass() throws {
        let data = try bandDataset()
        var rng = SeededRNG(seed: 4)
        let images = try SyntheticSet.initialImages(data.train, ipc: 2, classes: 3, mode: .kmeans,
                                                    model: ModelSpec(kind: .convnet, width: 8, depth: 2), rng: &rng)
        #expect(images.shape == [6] + data.imageShape)
        let n = data.train.images.shape[0]
        for i in 0..<6 {
            let img = try images.slice(axis: 0, i..<(i + 1))
            let match = try (0..<n).first { try data.train.images.slice(axis: 0, $0..<($0 + 1)) == img }
            #expect(match.map { data.train.labels[$0] } == i / 2, "synthetic image \(i) is not a real image of class \(i / 2)")
        }
        var big = SeededRNG(seed: 4)
        #expect(throws: DistillError.self) {
            try SyntheticSet.initialImages(data.train, ipc: 1000, classes: 3, mode: .kmeans, rng: &big)
        }
    }
}
