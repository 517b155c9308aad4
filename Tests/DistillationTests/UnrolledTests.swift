// Unrolled SGD: the gradient through three steps against central differences (images and the
// step size), DD's gradient through AlexCifarNet likewise, and checkpointed unrolling against
// plain unrolling.
import Testing
import TestSupport
import Autograd
import TensorCore
import NeuralNet
@testable import Distillation

@Suite struct UnrolledTests {
    /// A tiny smooth network, two classes, 1x6x6 inputs, its parameters and a target.
    func fixture(activation: Activation = .tanh) throws -> (Model, Tensor, [Int], [Tensor]) {
        var rng = SeededRNG(seed: 3)
        let net = try ModelSpec(kind: .convnet, width: 3, depth: 1, norm: .instance, activation: activation, pooling: .avg)
            .build(imageShape: [1, 6, 6], classes: 2, rng: &rng)
        let images = try Tensor.randn([4, 1, 6, 6], rng: &rng)
        let target = try net.parameters.map { try $0 + Tensor.randn($0.shape, rng: &rng) * 0.1 }
        return (net, images, [0, 1, 0, 1], target)
    }

    func run(_ net: Model, _ start: [Tensor], images: Tensor, lr: Float, labels: [Int], target: [Tensor],
             memory: Unrolled.Memory, dsa: DSA? = nil) throws -> Unrolled.Result {
        try Unrolled.gradient(
            start: start, steps: 3, learnable: [images, Tensor(unchecked: [1], data: [lr])], memory: memory,
            step: { theta, k, l in
                // Steps 0 and 2 see the first half of the images, step 1 the second half.
                let half = k == 1 ? 2..<4 : 0..<2
                var x = try l[0].slice(axis: 0, half)
                if let dsa { x = try dsa.apply(x, seed: UInt64(40 + k)) }
                return try Unrolled.sgdStep(net, theta, images: x, labels: Array(labels[half]), lr: l[1])
            },
            loss: { theta in try Unrolled.squaredDistance(theta, target) * 10 })
    }

    @Test func threeStepGradientMatchesFiniteDifferences() throws {
        let (net, images, labels, target) = try fixture()
        let lr: Float = 0.3
        let r = try run(net, net.parameters, images: images, lr: lr, labels: labels, target: target, memory: .plain)
        func lossAt(_ x: Tensor, _ a: Float) throws -> Double {
            Double(try run(net, net.parameters, images: x, lr: a, labels: labels, target: target, memory: .plain).loss)
        }
        let eps: Float = 1e-2
        var worst = 0.0
        for i in 0..<images.count {
            var xp = images, xm = images
            xp.withUnsafeMutableValues { $0[i] += eps }
            xm.withUnsafeMutableValues { $0[i] -= eps }
            let numeric = (try lossAt(xp, lr) - lossAt(xm, lr)) / (2 * Double(eps))
            let analytic = Double(r.gradients[0].data[i])
            #expect(abs(numeric - analytic) <= 2e-3 + 3e-2 * abs(numeric), "image element \(i): analytic \(analytic), numeric \(numeric)")
            worst = max(worst, abs(analytic))
        }
        #expect(worst > 1e-3, "the image gradient is all but zero: the test would not see errors")
        let numericLR = (try lossAt(images, lr + 1e-3) - lossAt(images, lr - 1e-3)) / 2e-3
        let analyticLR = Double(r.gradients[1].data[0])
        #expect(abs(numericLR - analyticLR) <= 2e-3 + 2e-2 * abs(numericLR), "step size: analytic \(analyticLR), numeric \(numericLR)")
        #expect(abs(analyticLR) > 1e-3)
    }

    /// The central difference of `f` at 0 (where it is `zero`), or nil when the forward and
    /// backward differences disagree by more than `tolerance` of it. A loss after unrolled gradient steps through
    /// ReLUs and max pools jumps wherever a kink or a pool's choice flips (the steps' gradients
    /// are discontinuous there); a difference quotient across a jump measures no derivative,
    /// and a jump J inside the interval moves the two one-sided quotients apart by J / eps,
    /// twice what it moves the central one, so what passes is off by less than half the tolerance.
    func smoothDifference(eps: Float, zero: Double, tolerance: (Double) -> Double, _ f: (Float) throws -> Double) throws -> Double? {
        let (plus, minus) = (try f(eps), try f(-eps))
        let central = (plus - minus) / (2 * Double(eps))
        let forward = (plus - zero) / Double(eps), backward = (zero - minus) / Double(eps)
        return abs(forward - backward) <= tolerance(central) ? central : nil
    }

    @Test func ddGradientThroughAlexCifarNetMatchesFiniteDifferences() throws {
        // DD's own unrolled gradient with its default three-channel network (Xavier weights):
        // 2 classes, 2 distinct steps of one 3x4x4 image per class, 2 epochs, 6 real images.
        // Small images keep the jumps few (see smoothDifference); images of spread 3 give the
        // zero-bias ReLU network logits far enough from zero for a clear gradient.
        var rng = SeededRNG(seed: 21)
        var config = DDConfig(ipc: 2)
        config.steps = 2
        config.epochs = 2
        config.model = ModelSpec(kind: .alexcifarnet, weights: .xavier)
        let net = try config.model.build(imageShape: [3, 4, 4], classes: 2, rng: &rng)
        let images = try Tensor.randn([4, 3, 4, 4], std: 3, rng: &rng)
        let real = (images: try Tensor.randn([6, 3, 4, 4], std: 3, rng: &rng), labels: [0, 1, 1, 0, 1, 0])
        let raw = try Tensor(shape: [4], data: [0.05, 0.075, 0.035, 0.06].map(DD.inverseSoftplus))
        func loss(_ x: Tensor, _ r: Tensor) throws -> Double {
            Double(try DD.unrolledGradient(net: net, images: x, raw: r, real: real, classes: 2, config: config).loss)
        }
        let result = try DD.unrolledGradient(net: net, images: images, raw: raw, real: real, classes: 2, config: config)
        #expect(result.gradients[0].shape == [4, 3, 4, 4] && result.gradients[1].shape == [4])
        let tolerance = { (numeric: Double) in 5e-5 + 3e-2 * abs(numeric) }
        var checked = 0, worst = 0.0
        let elements = Array(0..<images.count)
        // 176 of the 192 elements are away from jumps, and step sizes 2 and 3 (those of the
        // first two steps move every later parameter, so jumps are near).
        for i in elements {
            let numeric = try smoothDifference(eps: 5e-3, zero: Double(result.loss), tolerance: tolerance) { d in
                var x = images
                x.withUnsafeMutableValues { $0[i] += d }
                return try loss(x, raw)
            }
            guard let numeric else { continue }
            let analytic = Double(result.gradients[0].data[i])
            #expect(abs(numeric - analytic) <= tolerance(numeric), "image element \(i): analytic \(analytic), numeric \(numeric)")
            checked += 1
            worst = max(worst, abs(analytic))
        }
        #expect(checked * 2 >= elements.count, "only \(checked) of \(elements.count) elements away from jumps")
        #expect(worst > 1e-3, "the image gradient is all but zero: the test would not see errors")
        var checkedRates = 0
        for k in 0..<raw.count {
            let numeric = try smoothDifference(eps: 5e-3, zero: Double(result.loss), tolerance: tolerance) { d in
                var r = raw
                r.withUnsafeMutableValues { $0[k] += d }
                return try loss(images, r)
            }
            guard let numeric else { continue }
            let analytic = Double(result.gradients[1].data[k])
            #expect(abs(numeric - analytic) <= tolerance(numeric), "step size \(k): analytic \(analytic), numeric \(numeric)")
            #expect(abs(analytic) > 1e-4, "step size \(k) gets no gradient")
            checkedRates += 1
        }
        #expect(checkedRates >= 2, "only \(checkedRates) of 4 step sizes away from jumps")
        // Checkpointed memory recomputes the same graph.
        config.memory = .checkpointed
        let again = try DD.unrolledGradient(net: net, images: images, raw: raw, real: real, classes: 2, config: config)
        #expect(again.loss == result.loss)
        for (a, b) in zip(again.gradients, result.gradients) { #expect(closenessFailure(a, b, atol: 1e-6, rtol: 1e-4) == nil) }
    }

    @Test func ddSplitsALargeRealBatchUnderCheckpointingWithTheSameGradient() throws {
        // 600 real images: checkpointed memory takes the loss in chunks of 256, 256 and 88,
        // weighted by their share; plain memory takes the whole batch at once.
        var rng = SeededRNG(seed: 8)
        var config = DDConfig(ipc: 2)
        config.steps = 2
        config.epochs = 2
        config.model = ModelSpec(kind: .convnet, width: 4, depth: 1, norm: .instance, activation: .relu, pooling: .avg)
        let net = try config.model.build(imageShape: [1, 6, 6], classes: 3, rng: &rng)
        let images = try Tensor.randn([6, 1, 6, 6], rng: &rng)
        let real = (images: try Tensor.randn([600, 1, 6, 6], rng: &rng), labels: (0..<600).map { ($0 * 7) % 3 })
        let raw = try Tensor(shape: [4], data: [0.1, 0.2, 0.15, 0.05].map(DD.inverseSoftplus))
        #expect(DD.realChunk < 600 && 600 % DD.realChunk != 0, "the batch must span chunks with a short last one")
        let plain = try DD.unrolledGradient(net: net, images: images, raw: raw, real: real, classes: 3, config: config)
        config.memory = .checkpointed
        let chunked = try DD.unrolledGradient(net: net, images: images, raw: raw, real: real, classes: 3, config: config)
        #expect(abs(plain.loss - chunked.loss) <= 1e-5 * abs(plain.loss), "loss \(plain.loss) vs \(chunked.loss)")
        for (a, b) in zip(plain.gradients, chunked.gradients) { #expect(closenessFailure(b, a, atol: 1e-6, rtol: 1e-3) == nil) }
        #expect(plain.gradients[0].data.contains { abs($0) > 1e-4 } && plain.gradients[1].data.contains { abs($0) > 1e-4 })
        // A loss in no parts is refused.
        #expect(throws: TensorError.self) {
            _ = try Unrolled.gradient(start: [], steps: 0, learnable: [], memory: .checkpointed, step: { t, _, _ in t },
                                      parts: 0, loss: { _, _ in Variable(Tensor(unchecked: [], data: [0])) })
        }
    }

    @Test func checkpointedEqualsPlain() throws {
        let (net, images, labels, target) = try fixture(activation: .relu)
        let dsa = try DSA(strategy: "color_crop_cutout_scale_rotate")
        let plain = try run(net, net.parameters, images: images, lr: 0.2, labels: labels, target: target, memory: .plain, dsa: dsa)
        let ckpt = try run(net, net.parameters, images: images, lr: 0.2, labels: labels, target: target, memory: .checkpointed, dsa: dsa)
        #expect(plain.loss == ckpt.loss)
        for (a, b) in zip(plain.final, ckpt.final) { #expect(a == b) }
        #expect(closenessFailure(ckpt.gradients[0], plain.gradients[0], atol: 1e-5, rtol: 1e-3) == nil)
        #expect(closenessFailure(ckpt.gradients[1], plain.gradients[1], atol: 1e-5, rtol: 1e-3) == nil)
        #expect(plain.gradients[0].data.contains { $0 != 0 })
    }

    @Test func zeroStepsGiveNoGradientToLearnables() throws {
        let (net, images, labels, target) = try fixture()
        for memory in Unrolled.Memory.allCases {
            let r = try Unrolled.gradient(
                start: net.parameters, steps: 0, learnable: [images], memory: memory,
                step: { theta, _, l in try Unrolled.sgdStep(net, theta, images: l[0], labels: labels, lr: Variable(Tensor(unchecked: [1], data: [0.1]))) },
                loss: { theta in try Unrolled.squaredDistance(theta, target) })
            #expect(r.gradients[0].data.allSatisfy { $0 == 0 })
            #expect(r.loss > 0)
        }
        #expect(throws: TensorError.self) {
            _ = try Unrolled.gradient(start: [], steps: -1, learnable: [], memory: .plain, step: { t, _, _ in t },
                                      loss: { _ in Variable(Tensor(unchecked: [], data: [0])) })
        }
    }
}
