import Foundation
import Testing
import TensorCore
import NeuralNet
import Datasets
@testable import Distillation

/// The recipes of the named evaluation protocols, read from the reference code (docs/evaluation.md).
struct EvaluationProtocolTests {
    func named(_ name: String) throws -> Dataset {
        var d = try bandDataset()
        d.name = name
        return d
    }

    @Test func dcTrainsEpochsPlusOneAndDecaysAfterEpochHalfPlusOne() throws {
        let r = try #require(EvaluationProtocol.dc.recipe(for: try named("fashion-mnist"), subject: EvaluationSubject(ipc: 10)))
        #expect(r.epochs == 300 && r.augmentation == .none && r.cutmixProbability == 0)
        // utils.py evaluate_synset: range(Epoch+1), lr x0.1 once epoch Epoch//2+1 is done.
        #expect(r.train.epochs == 301)
        #expect(r.train.schedule == .multiStep(milestones: [152], factor: 0.1))
        #expect(r.train.schedule.rate(base: 1, epoch: 151) == 1 && r.train.schedule.rate(base: 1, epoch: 152) == Float(0.1))
        #expect(r.train.batchSize == 256 && r.train.learningRate == Float(0.01) && r.train.momentum == Float(0.9))
        #expect(r.train.weightDecay == Float(5e-4) && r.train.momentumRestarts)
        // Odd epoch counts: 7 // 2 + 1 = 4 is the last epoch at the full rate.
        let odd = try #require(EvaluationProtocol.dc.recipe(for: try named("bands"), subject: EvaluationSubject(ipc: 1), epochs: 7))
        #expect(odd.train.epochs == 8 && odd.train.schedule == .multiStep(milestones: [5], factor: 0.1))
    }

    @Test func dcAugmentsMNISTOnlyAndThenTrains1000Epochs() throws {
        let mnist = try #require(EvaluationProtocol.dc.recipe(for: try named("mnist"), subject: EvaluationSubject(ipc: 10)))
        #expect(mnist.augmentation == .dc(strategy: "crop_scale_rotate") && mnist.epochs == 1000 && mnist.train.epochs == 1001)
        // main.py: 1000 epochs whenever an augmentation is on, whoever chose it.
        let given = try #require(EvaluationProtocol.dc.recipe(for: try named("bands"), subject: EvaluationSubject(ipc: 10),
                                                             augmentation: .dsa(strategy: "crop")))
        #expect(given.epochs == 1000)
        let off = try #require(EvaluationProtocol.dc.recipe(for: try named("mnist"), subject: EvaluationSubject(ipc: 10), augmentation: EvaluationAugmentation.none))
        #expect(off.epochs == 300)
    }

    @Test(arguments: [EvaluationProtocol.dsa, .dm, .mtt])
    func dsaLikeProtocolsUseDSAFor1000Epochs(_ p: EvaluationProtocol) throws {
        let f = try #require(p.recipe(for: try named("fashion-mnist"), subject: EvaluationSubject(ipc: 10, learnedStepSize: 0.02)))
        #expect(f.epochs == 1000 && f.train.epochs == 1001 && f.train.schedule == .multiStep(milestones: [502], factor: 0.1))
        #expect(f.augmentation == .dsa(strategy: "color_crop_cutout_flip_scale_rotate"))
        #expect(f.train.batchSize == 256 && f.cutmixProbability == 0)
        #expect(f.train.learningRate == (p == .mtt ? Float(0.02) : Float(0.01)))
        let digits = try #require(p.recipe(for: try named("mnist"), subject: EvaluationSubject(ipc: 10)))
        #expect(digits.augmentation == .dsa(strategy: "color_crop_cutout_scale_rotate"))
    }

    @Test func idcRecipe() throws {
        let r = try #require(EvaluationProtocol.idc.recipe(for: try named("fashion-mnist"), subject: EvaluationSubject(ipc: 10, formationFactor: 2)))
        #expect(r.epochs == 1000 && r.train.epochs == 1000 && r.train.batchSize == 64)
        #expect(r.train.schedule == .multiStep(milestones: [666, 833], factor: 0.2) && !r.train.momentumRestarts)
        #expect(r.augmentation == .idc(strategy: "color_crop_flip_scale_rotate") && r.cutmixProbability == Float(0.5))
        let mnist1 = try #require(EvaluationProtocol.idc.recipe(for: try named("mnist"), subject: EvaluationSubject(ipc: 10)))
        #expect(mnist1.augmentation == .idc(strategy: "color_crop_scale_rotate") && mnist1.cutmixProbability == Float(0.5))
        let mnist2 = try #require(EvaluationProtocol.idc.recipe(for: try named("mnist"), subject: EvaluationSubject(ipc: 10, formationFactor: 2)))
        #expect(mnist2.cutmixProbability == 0)
        let svhn = try #require(EvaluationProtocol.idc.recipe(for: try named("svhn"), subject: EvaluationSubject(ipc: 10, formationFactor: 2)))
        #expect(svhn.augmentation == .idc(strategy: "color_crop_scale_rotate") && svhn.cutmixProbability == Float(0.5))
        let svhn1 = try #require(EvaluationProtocol.idc.recipe(for: try named("svhn"), subject: EvaluationSubject(ipc: 1)))
        #expect(svhn1.augmentation == .idc(strategy: "color_crop_cutout_scale_rotate") && svhn1.cutmixProbability == 0)
        let short = try #require(EvaluationProtocol.idc.recipe(for: try named("bands"), subject: EvaluationSubject(ipc: 1), epochs: 12))
        #expect(short.train.epochs == 12 && short.train.schedule == .multiStep(milestones: [8, 10], factor: 0.2))
    }

    @Test func ddHasNoTrainingRecipe() throws {
        #expect(EvaluationProtocol.dd.recipe(for: try bandDataset(), subject: EvaluationSubject(ipc: 1)) == nil)
        #expect(EvaluationProtocol(name: "DSA") == .dsa && EvaluationProtocol(name: "paper") == nil)
    }

    @Test func everyMethodNamesItsProtocol() {
        let table = Dictionary(uniqueKeysWithValues: MethodRegistry.all.map { ($0.name, $0.evaluationProtocol) })
        #expect(table == ["dm": .dm, "dc": .dc, "dsa": .dsa, "idc": .idc, "dream": .idc, "mtt": .mtt, "dd": .dd])
    }

    @Test func setsRecordTheirProtocolAndOlderOnesDeriveIt() throws {
        let data = try bandDataset()
        var set = SyntheticSet(images: data.train.images, labels: data.train.labels, ipc: 12, classNames: data.classNames,
                               normalization: data.normalization, method: "dsa")
        #expect(set.artifacts.evaluationProtocol == nil && set.evaluationProtocol == .dsa)
        set.artifacts.evaluationProtocol = .dc
        #expect(set.evaluationProtocol == .dc)
        set.method = "unknown"
        set.artifacts.evaluationProtocol = nil
        #expect(set.evaluationProtocol == .dc)
        // The field is "protocol" in files, absent in older ones.
        var artifacts = MethodArtifacts(seed: 1)
        artifacts.evaluationProtocol = .idc
        let text = String(decoding: try JSONEncoder().encode(artifacts), as: UTF8.self)
        #expect(text.contains("\"protocol\":\"idc\""))
        let old = try JSONDecoder().decode(MethodArtifacts.self, from: Data("{\"seed\":1}".utf8))
        #expect(old.evaluationProtocol == nil && old.seed == 1)
    }

    @Test func cutMixTrainsAndDCAugmentKeepsShapes() throws {
        let data = try bandDataset()
        var rng = SeededRNG(seed: 3)
        let aug = try DCAugment(strategy: "crop_scale_rotate_noise")
        let x = try aug.apply(data.train.images, rng: &rng)
        #expect(x.shape == data.train.images.shape && x.data.allSatisfy(\.isFinite))
        #expect(x.data != data.train.images.data)
        #expect(throws: TensorError.self) { try DCAugment(strategy: "crop_flip") }
        let recipe = try #require(EvaluationProtocol.idc.recipe(for: data, subject: EvaluationSubject(ipc: 12), epochs: 2))
        var mixRng = SeededRNG(seed: 1)
        var mixed = 0
        for _ in 0..<20 { if try recipe.mix!(data.train.images, data.train.labels, &mixRng) != nil { mixed += 1 } }
        #expect(mixed > 3 && mixed < 17)
    }

    @Test func dcAugmentGeometry() {
        let (h, w) = (5, 5)
        let src = (0..<(h * w)).map { Float($0 % 7) - Float($0 / 5) * 0.5 }
        // A turn by 0 reproduces the image (the spline interpolates its samples).
        let same = DCAugment.rotated(src, h: h, w: w, degrees: 0, fill: 9)
        #expect(zip(same, src).allSatisfy { abs($0 - $1) < 1e-4 }, "\(same)")
        // A quarter turn moves pixels exactly: out[y][x] = src[x][w - 1 - y].
        let quarter = DCAugment.rotated(src, h: h, w: w, degrees: 90, fill: 9)
        for y in 0..<h { for x in 0..<w { #expect(abs(quarter[y * w + x] - src[x * w + (w - 1 - y)]) < 1e-4) } }
        #expect(DCAugment.scaled(src, h: h, w: w, toH: h, toW: w) == src)
        // Larger: centre crop of the upscaled image; smaller: zeros around.
        let small = DCAugment.scaled(src, h: h, w: w, toH: 3, toW: 3)
        #expect(small[0] == 0 && small[6] == src[0])
        let moved = DCAugment.shifted(src, h: h, w: w, dy: 1, dx: -1, fill: 9)
        #expect(moved[0] == 9 && moved[1] == src[5] && moved[(h - 1) * w + 2] == 9)
    }

    @Test func dcRotationMatchesScipy() {
        // scipy.ndimage.rotate(src, 30, reshape=True, order=3, cval=0.25), centre 7 x 7, computed
        // with scipy 1.17.1 (DC's `rotatefun`); our twin agrees to 1e-7 everywhere, borders included.
        let src = (0..<49).map { Float(($0 * 37) % 11) / 11 }
        let scipy: [Float] = [
            0.250000, 0.250000, 0.250000, 0.250000, 0.685045, 0.250000, 0.250000, 0.250000, 0.250000, 0.119099,
            0.172079, 0.175059, 0.538686, 0.250000, 0.250000, 0.597844, 0.417300, 0.369339, 0.667019, 0.841744,
            0.809849, 0.535651, 0.891869, 0.780890, 0.398295, 0.245440, 0.109443, 0.127349, 0.250000, 0.173763,
            0.123868, 0.577032, 0.386076, 0.591256, 0.400521, 0.250000, 0.625039, 0.338630, 0.943378, 0.697485,
            0.465146, 0.350229, 0.250000, 0.250000, 0.340098, 0.100075, 0.254517, 0.407860, 0.250000,
        ]
        let ours = DCAugment.rotated(src, h: 7, w: 7, degrees: 30, fill: 0.25)
        let worst = zip(ours, scipy).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-5, "max difference \(worst)")
    }
}
