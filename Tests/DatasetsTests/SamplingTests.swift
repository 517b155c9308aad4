// Per-class index, seeded sampling and subsets, gathering by index, concatenation, provenance.
import Testing
import TensorCore
import TestSupport
import Datasets

@Suite struct SamplingTests {
    /// 11 images of 1x2x2 whose every pixel equals the image's index; labels cycle over 3 classes.
    func split() throws -> DatasetSplit {
        let n = 11
        let images = Tensor(unchecked: [n, 1, 2, 2], data: (0..<n).flatMap { [Float](repeating: Float($0), count: 4) })
        return try DatasetSplit(images: images, labels: (0..<n).map { $0 % 3 }, classCount: 3)
    }

    @Test func classIndex() throws {
        let s = try split()
        #expect(s.classIndex == [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8]])
        #expect(s.classCounts == [4, 4, 3])
    }

    @Test func splitRejectsBadLabels() {
        let x = Tensor(unchecked: [2, 1, 1, 1], data: [0, 0])
        #expect(throws: DataError.self) { try DatasetSplit(images: x, labels: [0, 3], classCount: 3) }
        #expect(throws: DataError.self) { try DatasetSplit(images: x, labels: [0], classCount: 3) }
    }

    @Test func sampleIsSeededDistinctAndOfTheClass() throws {
        let s = try split()
        var a = SeededRNG(seed: 7), b = SeededRNG(seed: 7)
        let ia = try s.randomIndices(ofClass: 1, count: 3, rng: &a)
        let ib = try s.randomIndices(ofClass: 1, count: 3, rng: &b)
        #expect(ia == ib)
        #expect(Set(ia).count == 3)
        #expect(ia.allSatisfy { s.labels[$0] == 1 })
        var c = SeededRNG(seed: 7)
        let images = try s.sample(ofClass: 1, count: 3, rng: &c)
        #expect(images.shape == [3, 1, 2, 2])
        #expect(images.data == ia.flatMap { [Float](repeating: Float($0), count: 4) })
        // Different seeds give different draws somewhere among a few tries.
        let draws = Set((0..<8).map { seed -> [Int] in
            var r = SeededRNG(seed: UInt64(seed))
            return (try? s.randomIndices(ofClass: 0, count: 4, rng: &r)) ?? []
        })
        #expect(draws.count > 1)
    }

    @Test func sampleErrors() throws {
        let s = try split()
        var rng = SeededRNG(seed: 0)
        let e = #expect(throws: DataError.self) { try s.sample(ofClass: 2, count: 4, rng: &rng) }
        #expect(e?.message.contains("has 3") == true)
        #expect(throws: DataError.self) { try s.sample(ofClass: 3, count: 1, rng: &rng) }
    }

    @Test func subsetPerClass() throws {
        let s = try split()
        var rng = SeededRNG(seed: 3)
        let sub = try s.subset(perClass: 2, rng: &rng)
        #expect(sub.count == 6)
        #expect(sub.labels == [0, 0, 1, 1, 2, 2])
        #expect(sub.classCounts == [2, 2, 2])
        for i in 0..<6 { #expect(s.labels[Int(sub.images.data[i * 4])] == sub.labels[i]) }
        var again = SeededRNG(seed: 3)
        #expect(try s.subset(perClass: 2, rng: &again) == sub)
    }

    @Test func gatherChecksBounds() throws {
        let s = try split()
        let (x, y) = try s.gather([10, 0, 10])
        #expect(x.data == [10, 10, 10, 10, 0, 0, 0, 0, 10, 10, 10, 10])
        #expect(y == [1, 0, 1])
        #expect(throws: DataError.self) { try s.gather([11]) }
        #expect(throws: DataError.self) { try s.gather([-1]) }
    }

    @Test func concatenation() throws {
        let s = try split()
        let both = try DatasetSplit.concatenated([s, s.selecting([2, 5])])
        #expect(both.count == 13)
        #expect(both.classIndex[2] == [2, 5, 8, 11, 12])
        let other = try DatasetSplit(images: Tensor(unchecked: [1, 1, 3, 2], data: [Float](repeating: 0, count: 6)),
                                     labels: [0], classCount: 3)
        #expect(throws: DataError.self) { try DatasetSplit.concatenated([s, other]) }
        #expect(throws: DataError.self) { try DatasetSplit.concatenated([]) }
    }

    @Test func datasetConcatenationAndSelectionByProvenance() throws {
        let s = try split()
        let norm = Normalization(mean: [0.5], std: [0.25])
        let prov = DatasetProvenance(source: "toy", root: "/nowhere", transform: DatasetProvenance.transformText(norm))
        let ds = try Dataset(name: "toy", classNames: ["a", "b", "c"], normalization: norm, train: s,
                             test: s.selecting([0, 1]), provenance: prov)
        let twice = try Dataset.concatenated(ds, ds)
        #expect(twice.train.count == 22 && twice.test.count == 4)
        let p = ds.provenance(split: "test", indices: [1])
        #expect(try ds.selection(p).labels == [1])
        #expect(throws: DataError.self) { try ds.split("valid") }
        let e = #expect(throws: DataError.self) {
            try Dataset(name: "toy", classNames: ["a", "b"], normalization: norm, train: s, test: s, provenance: prov)
        }
        #expect(e?.message.contains("2 class names") == true)
    }
}
