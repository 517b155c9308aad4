import Testing
import TestSupport
import TensorCore
import Autograd
import Datasets
import NeuralNet
@testable import Distillation

@Suite struct IDCTests {
    func smallConfig(ipc: Int = 1, iterations: Int = 3) -> IDCConfig {
        var c = IDCConfig(ipc: ipc)
        c.iterations = iterations
        c.innerLoop = 3
        c.batchReal = 8
        c.netData = 16
        c.learningRate = 0.05
        c.model = ModelSpec(kind: .convnet, width: 8, depth: 2)
        c.seed = 21
        return c
    }

    @Test func decodeShapesAndTileOrder() throws {
        // One 8x8 image whose quadrants are 1, 2, 3, 4 (row-major), and one of 5, 6, 7, 8.
        var d = [Float]()
        for k in 0..<2 {
            for y in 0..<8 { for x in 0..<8 { d.append(Float(4 * k + (y / 4) * 2 + x / 4 + 1)) } }
        }
        let x = Tensor(unchecked: [2, 1, 8, 8], data: d)
        let out = try MultiFormation(factor: 2).decode(Variable(x), pad: [0.5]).value
        #expect(out.shape == [8, 1, 8, 8])
        // Tile-major: image 0's top-left, image 1's top-left, image 0's top-right, ...
        let expected: [Float] = [1, 5, 2, 6, 3, 7, 4, 8]
        for (i, v) in expected.enumerated() {
            let plane = try out.slice(axis: 0, i..<(i + 1)).data
            #expect(plane.allSatisfy { Swift.abs($0 - v) < 1e-6 }, "decoded image \(i) should be \(v)")
        }
        #expect(try MultiFormation(factor: 2).decodedLabels([0, 1]) == [0, 1, 0, 1, 0, 1, 0, 1])
        // A side that f does not divide is padded: 8 = 3 + 3 + 2 (+ 1 pad) for f = 3.
        #expect(try MultiFormation(factor: 3).decode(Variable(x), pad: [0.5]).shape == [18, 1, 8, 8])
        #expect(try MultiFormation(factor: 1).decode(Variable(x), pad: [0.5]).value == x)
        #expect(throws: TensorError.self) { _ = try MultiFormation(factor: 0) }
        #expect(throws: TensorError.self) { _ = try MultiFormation(factor: 2).decode(Variable(x), pad: [0.5, 0.5]) }
    }

    @Test func decodeOfEncodedImagesApproximatesThem() throws {
        // Four smooth 1x12x12 images (ramps in different directions).
        var d = [Float]()
        for k in 0..<4 {
            for y in 0..<12 {
                for x in 0..<12 {
                    let (fy, fx) = (Float(y) / 11, Float(x) / 11)
                    d.append([fy, fx, 1 - fy, 0.5 * (fx + fy)][k])
                }
            }
        }
        let images = Tensor(unchecked: [4, 1, 12, 12], data: d)
        let f = try MultiFormation(factor: 2)
        let stored = try f.encode(images)
        #expect(stored.shape == [1, 1, 12, 12])
        let back = try f.decode(Variable(stored), pad: [0.5]).value
        #expect(back.shape == images.shape)
        let errors = zip(back.data, images.data).map { Swift.abs($0 - $1) }
        let mean = errors.reduce(0, +) / Float(errors.count)
        #expect(mean < 0.06 && errors.max()! < 0.15, "mean error \(mean), max \(errors.max()!)")
        #expect(throws: TensorError.self) { _ = try f.encode(try images.slice(axis: 0, 0..<3)) }
    }

    @Test func augmentRuleParsesAndSharesParameters() throws {
        let a = try IDCAugment(strategy: "color_crop_cutout")
        #expect(a.color && a.cutout && !a.flip && a.drawn == [.crop])
        #expect(a.strategy == "color_crop_cutout")
        let b = try IDCAugment(strategy: "cutout_scale_flip_rotate")
        #expect(b.strategy == "flip_scale_rotate_cutout")
        #expect(throws: TensorError.self) { _ = try IDCAugment(strategy: "color_zoom") }
        // Shared parameters: the same image twice in one batch comes out the same twice.
        let x = testTensor([1, 1, 8, 8], seed: 4)
        for seed in UInt64(0)..<8 {
            var rng = SeededRNG(seed: seed)
            let y = try a.apply(Variable(Tensor.concat([x, x], axis: 0)), shared: true, rng: &rng).value
            #expect(try y.slice(axis: 0, 0..<1) == y.slice(axis: 0, 1..<2))
        }
    }

    @Test func referencePresets() throws {
        let bands = try bandDataset()
        let generic = IDCConfig.reference(for: bands, ipc: 10)
        #expect(generic.distance == .mse && generic.netData == 500)
        var fashion = bands
        fashion.name = "fashion-mnist"
        let f = IDCConfig.reference(for: fashion, ipc: 10)
        #expect(f.distance == .l1 && Swift.abs(f.learningRate - 1e-4 / 16) < 1e-10)  // × (8/32)² for 8x8 images
        var mnist = bands
        mnist.name = "mnist"
        let m = IDCConfig.reference(for: mnist, ipc: 20)
        #expect(m.matchAugment == "color_crop" && m.cutmixProbability == 0)
        var cifar = bands
        cifar.name = "CIFAR-10"
        #expect(IDCConfig.reference(for: cifar, ipc: 50).netData == 2000)
        #expect(Swift.abs(IDCConfig(ipc: 50).learningRate - 0.025) < 1e-7)
    }

    /// Mean matching loss (IDC's mse on conv gradients) of stored images over fixed networks.
    func heldOutLoss(_ set: SyntheticSet, data: Dataset, spec: ModelSpec) throws -> Float {
        let (images, labels) = try set.trainingImages()
        var total: Float = 0
        for s in 0..<4 {
            var rng = SeededRNG(seed: 700 + UInt64(s))
            let net = try spec.build(imageShape: data.imageShape, classes: data.classCount, rng: &rng)
            let params = net.parameterVariables()
            let include = GradientMatching.includedParameters(net, bias: false, fullyConnected: false)
            for c in 0..<data.classCount {
                let real = try data.train.gather(data.train.classIndex[c]).images
                let target = try GradientMatching.parameterGradients(
                    net, params, images: Variable(real), labels: [Int](repeating: c, count: real.shape[0]), mode: .train)
                let rows = labels.indices.filter { labels[$0] == c }
                total += try GradientMatching.matchingLoss(
                    net, params, realGradients: target, synthetic: Variable(images.indexSelect(rows)),
                    labels: [Int](repeating: c, count: rows.count), mode: .train, distance: .mse, include: include).value.data[0]
            }
        }
        return total / 4
    }

    @Test func lossFallsAndTrainingImagesDecode() throws {
        let data = try bandDataset()
        let cfg = smallConfig(iterations: 6)
        let syn = try IDC.run(data, config: cfg)
        #expect(syn.images.shape == [3, 1, 8, 8] && syn.labels == [0, 1, 2])
        #expect(syn.method == "idc" && syn.formationFactor == 2 && syn.loss.count == 6)
        let (x, y) = try syn.trainingImages()
        #expect(x.shape == [12, 1, 8, 8] && y == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
        var start = cfg
        start.iterations = 0
        let before = try heldOutLoss(try IDC.run(data, config: start), data: data, spec: cfg.model)
        let after = try heldOutLoss(syn, data: data, spec: cfg.model)
        #expect(after < before * 0.8, "held-out matching loss \(before) -> \(after)")
    }

    @Test func sameSeedSameImagesAndPixelsStayNearTheirRange() throws {
        let data = try bandDataset()
        let a = try IDC.run(data, config: smallConfig())
        let b = try IDC.run(data, config: smallConfig())
        #expect(a.images == b.images && a.loss == b.loss)
        var other = smallConfig()
        other.seed = 22
        #expect(try IDC.run(data, config: other).images != a.images)
        // Pixels are clamped to [0, 1] before every iteration, so after the last one they can
        // be outside by at most one iteration's worth of steps.
        let pixels = try data.normalization.denormalized(a.images)
        #expect(pixels.data.allSatisfy { $0 > -0.5 && $0 < 1.5 })
        var noise = smallConfig()
        noise.initialization = .noise
        noise.iterations = 0
        let n = try data.normalization.denormalized(try IDC.run(data, config: noise).images)
        #expect(n.data.allSatisfy { $0 >= -1e-5 && $0 <= 1 + 1e-5 })
    }

    @Test func progressCountsRounds() throws {
        let sink = RecordingProgress()
        _ = try IDC.run(try bandDataset(), config: smallConfig(iterations: 2), progress: sink)
        #expect(sink.total == 6 && sink.steps == Array(1...6) && sink.ended == [false])
    }

    @Test func badConfigsThrow() throws {
        let data = try bandDataset()
        var c = smallConfig()
        c.factor = 0
        #expect(throws: DistillError.self) { try IDC.run(data, config: c) }
        c = smallConfig()
        c.innerLoop = 0
        #expect(throws: DistillError.self) { try IDC.run(data, config: c) }
        c = smallConfig()
        c.learningRate = -1
        #expect(throws: DistillError.self) { try IDC.run(data, config: c) }
        c = smallConfig()
        c.iterations = -2
        #expect(throws: DistillError.self) { try IDC.run(data, config: c) }
        c = smallConfig(ipc: 4)   // mix needs 4 x 4 = 16 images per class, the fixture has 12
        #expect(throws: TensorError.self) { try IDC.run(data, config: c) }
        c = smallConfig()
        c.model = ModelSpec(kind: .mlp)   // only rank-2 weights: nothing left to match
        #expect(throws: TensorError.self) { try IDC.run(data, config: c) }
        c = smallConfig()
        c.matchAugment = "color_zoom"
        #expect(throws: TensorError.self) { try IDC.run(data, config: c) }
    }
}
