// Selection: herding and k-center greedy against their plain twins and hand-checked cases, and
// per-class selection on a tiny data set with a tiny network; bad input.
import Testing
import TestSupport
import TensorCore
import Datasets
import NeuralNet
@testable import Distillation

@Suite struct SelectionTests {
    /// Features with an offset and unequal scales, so centring and ordering both matter.
    func features(_ n: Int, _ d: Int, seed: UInt64) -> Tensor {
        var t = testTensor([n, d], seed: seed)
        t.withUnsafeMutableValues { v in for i in 0..<n { for j in 0..<d { v[i * d + j] = 3 + Float(j + 1) * v[i * d + j] } } }
        return t
    }

    @Test(arguments: [(50, 6, 10), (300, 17, 25), (5, 2, 5), (1, 3, 1)])
    func herdingMatchesReference(_ s: (Int, Int, Int)) throws {
        let f = features(s.0, s.1, seed: UInt64(s.0))
        let fast = try Selection.herding(f, k: s.2)
        #expect(fast == (try Selection.herdingReference(f, k: s.2)))
        #expect(Set(fast).count == s.2)
    }

    @Test(arguments: [(50, 6, 10), (300, 17, 25), (5, 2, 5), (1, 3, 1)])
    func kCenterMatchesReference(_ s: (Int, Int, Int)) throws {
        let f = features(s.0, s.1, seed: UInt64(s.0) + 1)
        for start in Selection.KCenterStart.allCases {
            var r1 = SeededRNG(seed: 2), r2 = SeededRNG(seed: 2)
            let fast = try Selection.kCenterGreedy(f, k: s.2, rng: &r1, start: start)
            #expect(fast == (try Selection.kCenterGreedyReference(f, k: s.2, rng: &r2, start: start)), "\(start)")
            #expect(Set(fast).count == s.2)
        }
    }

    @Test func herdingHandChecked() throws {
        // Targets t·μ − S with μ = 2.5: 2.5 (2 and 3 tie, the lower index wins), 3, 2.5 (1 and 4
        // tie), 4.
        let f = Tensor(unchecked: [6, 1], data: [0, 1, 2, 3, 4, 5])
        #expect(try Selection.herding(f, k: 4) == [2, 3, 1, 4])
    }

    @Test func kCenterHandChecked() throws {
        // Mean 3.25 → start at 2; farthest is 10, then 0 (distance 2 from {2, 10}), then 1.
        let f = Tensor(unchecked: [4, 1], data: [0, 1, 2, 10])
        var rng = SeededRNG(seed: 1)
        let before = rng
        #expect(try Selection.kCenterGreedy(f, k: 4, rng: &rng) == [2, 3, 0, 1])
        #expect(rng == before, "the default start draws nothing")
    }

    @Test func chooseDispatchesEveryMethod() throws {
        let f = features(40, 5, seed: 9)
        var a = SeededRNG(seed: 3), b = SeededRNG(seed: 3)
        let random = try Selection.choose(f, k: 7, method: .random, rng: &a)
        #expect(random == (try Selection.choose(f, k: 7, method: .random, rng: &b)))
        #expect(Set(random).count == 7 && random.allSatisfy { (0..<40).contains($0) })
        #expect(try Selection.choose(f, k: 7, method: .herding, rng: &a) == Selection.herding(f, k: 7))
        var c = SeededRNG(seed: 4), e = SeededRNG(seed: 4)
        #expect(try Selection.choose(f, k: 7, method: .kmeans, rng: &c) == KMeans.nearest(f, to: KMeans.fit(f, k: 7, rng: &e).centroids))
    }

    @Test func choiceBadInput() throws {
        var rng = SeededRNG(seed: 1)
        let f = testTensor([4, 2], seed: 3)
        #expect(throws: TensorError("herding: cannot choose 5 distinct rows out of 4")) { try Selection.herding(f, k: 5) }
        #expect(throws: TensorError("kcenter: k must be >= 1, got 0")) { try Selection.kCenterGreedy(f, k: 0, rng: &rng) }
        #expect(throws: TensorError.self) { try Selection.herding(Tensor(unchecked: [2, 2, 2], data: [Float](repeating: 0, count: 8)), k: 1) }
    }

    // MARK: per-class selection

    func tinyNet(_ data: Dataset) throws -> Model {
        var rng = SeededRNG(seed: 3)
        return try ModelSpec(kind: .convnet, width: 8, depth: 2).build(imageShape: data.train.imageShape, classes: data.classCount, rng: &rng)
    }

    @Test(arguments: Selection.Method.allCases)
    func selectsKPerClassInClassOrder(_ method: Selection.Method) throws {
        let data = try bandDataset(classes: 3, perClass: 15)
        let net = try tinyNet(data)
        var rng = SeededRNG(seed: 4)
        let idx = try Selection.select(data.train, perClass: 5, method: method, model: net, rng: &rng)
        #expect(idx.count == 15 && Set(idx).count == 15)
        #expect(idx.map { data.train.labels[$0] } == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2])
        var again = SeededRNG(seed: 4)
        #expect(try Selection.select(data.train, perClass: 5, method: method, model: net, rng: &again) == idx)
    }

    @Test func selectUsesTheClassFeatures() throws {
        let data = try bandDataset(classes: 2, perClass: 12)
        let net = try tinyNet(data)
        var rng = SeededRNG(seed: 5)
        let idx = try Selection.select(data.train, perClass: 3, method: .herding, model: net, rng: &rng)
        for c in 0..<2 {
            let pool = data.train.classIndex[c]
            let f = try Selection.embedding(data.train, indices: pool, model: net)
            #expect(f.shape[0] == 12)
            #expect(Array(idx[(3 * c)..<(3 * c + 3)]) == (try Selection.herding(f, k: 3)).map { pool[$0] })
        }
        var r2 = SeededRNG(seed: 6)
        let km = try Selection.select(data.train, perClass: 1, method: .kmeans, model: net, rng: &r2)
        let herd = try Selection.select(data.train, perClass: 1, method: .herding, model: net, rng: &r2)
        #expect(km == herd, "one cluster's centre is the class mean, so its nearest image is herding's first pick")
    }

    @Test func embeddingBatchesAgree() throws {
        // More than one batch of features: the same as one image at a time.
        let data = try bandDataset(classes: 1, perClass: Selection.featureBatch + 7)
        let net = try tinyNet(data)
        let pool = data.train.classIndex[0]
        let all = try Selection.embedding(data.train, indices: pool, model: net)
        let last = try Selection.embedding(data.train, indices: [pool.last!], model: net)
        #expect(closenessFailure(Array(all.data.suffix(last.count)), last.data, atol: 1e-5, rtol: 1e-4) == nil)
    }

    @Test func randomNeedsNoModelAndFollowsTheSeed() throws {
        let data = try bandDataset(classes: 3, perClass: 10)
        var a = SeededRNG(seed: 1), b = SeededRNG(seed: 1)
        let idx = try Selection.select(data.train, perClass: 4, method: .random, model: nil, rng: &a)
        #expect(idx == (try data.train.randomIndices(perClass: 4, rng: &b)))
    }

    @Test func selectBadInput() throws {
        let data = try bandDataset(classes: 3, perClass: 6)
        let net = try tinyNet(data)
        var rng = SeededRNG(seed: 1)
        #expect(throws: TensorError("select: images per class must be >= 1, got 0")) {
            try Selection.select(data.train, perClass: 0, method: .random, model: nil, rng: &rng)
        }
        #expect(throws: TensorError("select: class 0 has 6 images, fewer than the 7 per class asked for")) {
            try Selection.select(data.train, perClass: 7, method: .herding, model: net, rng: &rng)
        }
        #expect(throws: TensorError("select: method 'kcenter' needs a model for its features")) {
            try Selection.select(data.train, perClass: 2, method: .kcenter, model: nil, rng: &rng)
        }
        // A class with no images at all.
        let onlyTwo = try data.train.selecting(data.train.classIndex[0] + data.train.classIndex[1])
        #expect(throws: TensorError("select: class 2 has no images in this split")) {
            try Selection.select(onlyTwo, perClass: 1, method: .random, model: nil, rng: &rng)
        }
        // A model built for other images.
        var mrng = SeededRNG(seed: 2)
        let other = try ModelSpec(kind: .convnet, width: 8, depth: 2).build(imageShape: [3, 8, 8], classes: 3, rng: &mrng)
        #expect(throws: TensorError("select: model \(other.name) takes images [3, 8, 8], the split has [1, 8, 8]")) {
            try Selection.select(data.train, perClass: 2, method: .kmeans, model: other, rng: &rng)
        }
    }
}
