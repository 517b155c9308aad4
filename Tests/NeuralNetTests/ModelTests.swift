import Foundation
import Testing
import TestSupport
import TensorCore
import Kernels
import Autograd
@testable import NeuralNet

@Suite struct Architectures {
    @Test func convNet3HasTheReferenceParameterCount() throws {
        var rng = SeededRNG(seed: 1)
        let net = try Model.convNet(channels: 3, height: 32, width: 32, classes: 10, rng: &rng)
        #expect(net.parameterCount == 320_010)
        #expect(net.name == "ConvNet-3")
        let y = try net.forward(Variable(testTensor([2, 3, 32, 32], seed: 2)))
        #expect(y.shape == [2, 10])
        #expect(try net.embed(Variable(testTensor([2, 3, 32, 32], seed: 2))).shape == [2, 2048])
    }

    @Test func mnistConvNetActsAs32x32() throws {
        var rng = SeededRNG(seed: 1)
        let net = try Model.convNet(channels: 1, height: 28, width: 28, classes: 10, rng: &rng)
        #expect(try net.embed(Variable(testTensor([1, 1, 28, 28], seed: 2))).shape == [1, 2048])
    }

    @Test(arguments: [NormKind.instance, .batch, .layer, .group, .none])
    func convNetNormVariants(_ norm: NormKind) throws {
        var rng = SeededRNG(seed: 3)
        let net = try Model.convNet(channels: 3, height: 16, width: 16, classes: 4, netWidth: 8, depth: 2, norm: norm, rng: &rng)
        #expect(try net.forward(Variable(testTensor([3, 3, 16, 16], seed: 4))).shape == [3, 4])
    }

    @Test func otherArchitecturesRun() throws {
        var rng = SeededRNG(seed: 5)
        let x = Variable(testTensor([2, 3, 32, 32], seed: 6))
        #expect(try Model.mlp(channels: 3, height: 32, width: 32, classes: 10, rng: &rng).forward(x).shape == [2, 10])
        #expect(try Model.leNet(channels: 3, height: 32, width: 32, classes: 10, rng: &rng).forward(x).shape == [2, 10])
        #expect(try Model.leNet(channels: 1, height: 28, width: 28, classes: 10, rng: &rng).forward(Variable(testTensor([2, 1, 28, 28], seed: 6))).shape == [2, 10])
        #expect(try Model.alexNet(channels: 3, height: 32, width: 32, classes: 10, rng: &rng).forward(x).shape == [2, 10])
        let resnet = try Model.resNet18(channels: 3, height: 32, width: 32, classes: 10, rng: &rng)
        #expect(resnet.parameterCount > 11_000_000)
        #expect(try resnet.forward(x).shape == [2, 10])
    }

    /// VGG-11 as DC's networks.py builds it: the parameter counts PyTorch gives for that module
    /// (9,231,114 on 3x32x32, 9,229,962 on 1x28x28 with padding 3; the same with batch norm).
    @Test(arguments: [NormKind.instance, .batch])
    func vgg11HasTheReferenceParameterCount(_ norm: NormKind) throws {
        var rng = SeededRNG(seed: 7)
        let colour = try Model.vgg11(channels: 3, height: 32, width: 32, classes: 10, norm: norm, rng: &rng)
        #expect(colour.parameterCount == 9_231_114)
        #expect(try colour.forward(Variable(testTensor([2, 3, 32, 32], seed: 8))).shape == [2, 10])
        let grey = try Model.vgg11(channels: 1, height: 28, width: 28, classes: 10, norm: norm, rng: &rng)
        #expect(grey.parameterCount == 9_229_962)
        #expect(try grey.embed(Variable(testTensor([1, 1, 28, 28], seed: 8))).shape == [1, 512])
        #expect(throws: TensorError.self) { try Model.vgg11(channels: 3, height: 16, width: 16, classes: 10, rng: &rng) }
    }

    @Test func initialisationIsSeededAndBounded() throws {
        var r1 = SeededRNG(seed: 9), r2 = SeededRNG(seed: 9)
        let a = try Model.convNet(channels: 1, height: 28, width: 28, classes: 10, rng: &r1)
        let b = try Model.convNet(channels: 1, height: 28, width: 28, classes: 10, rng: &r2)
        #expect(a.parameters == b.parameters)
        // First conv: fan_in 9 -> bound 1/3.
        #expect(a.parameters[0].data.allSatisfy { Swift.abs($0) <= 1.0 / 3 })
    }

    @Test func xavierWeightsHaveTheirSpreadAndZeroBiases() throws {
        var rng = SeededRNG(seed: 3)
        let spec = ModelSpec(kind: .lenet, weights: .xavier)
        let net = try spec.build(imageShape: [1, 28, 28], classes: 10, rng: &rng)
        // LeNet: conv 1->6 (5x5), conv 6->16 (5x5), linear 400->120, 120->84, 84->10.
        let fans = [(25, 150), (150, 400), (400, 120), (120, 84), (84, 10)]
        for (layer, (fanIn, fanOut)) in fans.enumerated() {
            let w = net.parameters[2 * layer].data, b = net.parameters[2 * layer + 1].data
            #expect(b.allSatisfy { $0 == 0 }, "layer \(layer) bias")
            let mean = w.reduce(0, +) / Float(w.count)
            let std = (w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(w.count)).squareRoot()
            let want = (2 / Float(fanIn + fanOut)).squareRoot()
            // 150 to 48,000 draws: the sample spread is within 20% (150) to 2% (48,000) of the law's.
            #expect(Swift.abs(std / want - 1) < (w.count < 1000 ? 0.2 : 0.05), "layer \(layer): std \(std), want \(want)")
        }
        // The default scheme stays PyTorch's: uniform within 1/sqrt(fan_in), biases too.
        var r2 = SeededRNG(seed: 3)
        let plain = try ModelSpec(kind: .lenet).build(imageShape: [1, 28, 28], classes: 10, rng: &r2)
        #expect(plain.parameters[5].data.allSatisfy { Swift.abs($0) <= 1 / Float(400).squareRoot() })
        #expect(plain.parameters[5].data.contains { $0 != 0 })
    }

    @Test func modelSpecsWithoutWeightsDecodeAsDefault() throws {
        let old = #"{"kind":"lenet","width":128,"depth":3,"norm":"instance","activation":"relu","pooling":"avg"}"#
        let spec = try JSONDecoder().decode(ModelSpec.self, from: Data(old.utf8))
        #expect(spec == ModelSpec(kind: .lenet))
        let xavier = ModelSpec(kind: .convnet, weights: .xavier)
        #expect(try JSONDecoder().decode(ModelSpec.self, from: JSONEncoder().encode(xavier)) == xavier)
        #expect(xavier.description.hasSuffix("[xavier weights]"))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ModelSpec.self, from: Data(#"{"kind":"lenet","width":1,"depth":1,"norm":"none","activation":"relu","pooling":"avg","weights":"he"}"#.utf8))
        }
    }

    @Test func badInputThrows() throws {
        var rng = SeededRNG(seed: 1)
        let net = try Model.convNet(channels: 3, height: 32, width: 32, classes: 10, netWidth: 8, rng: &rng)
        #expect(throws: TensorError.self) { try net.forward(Variable(testTensor([2, 1, 32, 32], seed: 1))) }
        #expect(throws: TensorError.self) { try net.forward(Variable(testTensor([2, 3, 32, 32], seed: 1)), parameters: []) }
        #expect(throws: TensorError.self) { try Model.convNet(channels: 3, height: 4, width: 4, classes: 10, depth: 3, rng: &rng) }
        #expect(throws: TensorError.self) { try Model.convNet(channels: 3, height: 32, width: 32, classes: 0, rng: &rng) }
    }
}

@Suite(.serialized) struct ThreadDeterminism {
    @Test func convNetForwardAndBackwardAreBitIdenticalFor1And2Threads() throws {
        var rng = SeededRNG(seed: 11)
        let net = try Model.convNet(channels: 3, height: 32, width: 32, classes: 10, netWidth: 16, rng: &rng)
        let x = testTensor([8, 3, 32, 32], seed: 12)
        func run() throws -> ([Float], [[Float]]) {
            let p = net.parameterVariables()
            let xv = Variable(x, requiresGrad: true)
            let loss = try net.forward(xv, parameters: p).crossEntropy(labels: [0, 1, 2, 3, 4, 5, 6, 7])
            let g = try gradients(of: loss, wrt: p + [xv])
            return (loss.value.data, g.map(\.value.data))
        }
        let old = ThreadPool.width
        defer { ThreadPool.width = old }
        ThreadPool.width = 1
        let one = try run()
        ThreadPool.width = 2
        let two = try run()
        #expect(one.0 == two.0)
        #expect(one.1 == two.1)
    }
}

@Suite struct Optimisers {
    @Test func sgdMatchesPyTorchRule() throws {
        var p = [try Tensor(shape: [2], data: [1, -2])]
        var sgd = SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
        let g = [try Tensor(shape: [2], data: [0.5, 0.25])]
        try sgd.step(&p, g)
        // d = g + 0.01 p = [0.51, 0.23]; buf = d; p -= 0.1 d
        #expect(closenessFailure(p[0].data, [0.949, -2.023]) == nil)
        try sgd.step(&p, g)
        // d = [0.5 + 0.00949, 0.25 - 0.02023]; buf = 0.9 buf + d
        let d1: [Float] = [0.50949, 0.22977]
        let buf: [Float] = [0.9 * 0.51 + d1[0], 0.9 * 0.23 + d1[1]]
        #expect(closenessFailure(p[0].data, [0.949 - 0.1 * buf[0], -2.023 - 0.1 * buf[1]]) == nil)
    }

    @Test func adamFirstStepMovesByLearningRate() throws {
        var p = [try Tensor(shape: [3], data: [1, 2, 3])]
        var adam = Adam(learningRate: 0.01)
        try adam.step(&p, [try Tensor(shape: [3], data: [3, -0.5, 1e-3])])
        #expect(closenessFailure(p[0].data, [0.99, 2.01, 2.99], atol: 1e-4) == nil)
    }

    /// The update writes the parameters' own storage (no copy per step) unless another tensor
    /// shares it, which then keeps its values.
    @Test func stepsUpdateInPlaceAndRespectCopies() throws {
        func address(_ t: inout Tensor) -> UInt { t.withUnsafeMutableValues { UInt(bitPattern: $0.baseAddress) } }
        let g = [try Tensor(shape: [3], data: [0.5, -0.25, 1])]
        var sgd = SGD(learningRate: 0.1, momentum: 0.9)
        var adam = Adam(learningRate: 0.01)
        for step in [{ (p: inout [Tensor]) in try sgd.step(&p, g) }, { (p: inout [Tensor]) in try adam.step(&p, g) }] {
            var p = [try Tensor(shape: [3], data: [1, 2, 3])]
            let before = address(&p[0])
            try step(&p)
            try step(&p)
            #expect(address(&p[0]) == before)
            let kept = p[0]
            let values = kept.data.map { $0 }  // a buffer of its own
            try step(&p)
            #expect(kept.data == values)
            #expect(p[0].data != values)
            #expect(address(&p[0]) != before)
        }
    }

    @Test func restoredBuffersOfTheWrongShapeThrow() throws {
        var p = [try Tensor(shape: [2], data: [1, 2])]
        let g = [try Tensor(shape: [2], data: [1, 1])]
        var sgd = SGD(learningRate: 0.1, momentum: 0.9)
        sgd.restore(velocity: [try Tensor.zeros([3])])
        #expect(throws: TensorError.self) { try sgd.step(&p, g) }
        var adam = Adam()
        adam.restore(step: 1, m: [try Tensor.zeros([2])], v: [try Tensor.zeros([1])])
        #expect(throws: TensorError.self) { try adam.step(&p, g) }
        #expect(p[0].data == [1, 2])
    }

    @Test func scheduleDecaysAtMilestones() {
        let s = LRSchedule.multiStep(milestones: [5, 8], factor: 0.1)
        #expect(s.rate(base: 1, epoch: 4) == 1)
        #expect(Swift.abs(s.rate(base: 1, epoch: 5) - 0.1) < 1e-7)
        #expect(Swift.abs(s.rate(base: 1, epoch: 9) - 0.01) < 1e-7)
    }
}

@Suite struct Training {
    /// Two classes of 8x8 images: bright top half vs bright bottom half, with noise.
    func toyData(_ n: Int, seed: UInt64) -> (Tensor, [Int]) {
        var rng = SeededRNG(seed: seed)
        var d = [Float](), labels = [Int]()
        for i in 0..<n {
            let c = i % 2
            labels.append(c)
            for y in 0..<8 { for _ in 0..<8 { d.append((y < 4) == (c == 0) ? 1 + 0.3 * rng.nextNormal() : 0.3 * rng.nextNormal()) } }
        }
        return (Tensor(unchecked: [n, 1, 8, 8], data: d), labels)
    }

    @Test func convNetLearnsAToyProblemAndEvaluationReportsIt() throws {
        let (x, y) = toyData(64, seed: 1)
        let (tx, ty) = toyData(100, seed: 2)
        let result = try Evaluation.run(
            images: x, labels: y, testImages: tx, testLabels: ty,
            config: .evaluation(epochs: 8), runs: 2, seed: 3,
            makeModel: { try Model.convNet(channels: 1, height: 8, width: 8, classes: 2, netWidth: 8, depth: 2, rng: &$0) })
        #expect(result.accuracies.count == 2)
        #expect(result.mean > 0.95)
        #expect(result.summary.hasPrefix("ConvNet-D2W8 on 64 images: test accuracy"))
    }

    @Test func trainingIsReproducibleFromTheSeed() throws {
        let (x, y) = toyData(20, seed: 4)
        func once() throws -> [Tensor] {
            var rng = SeededRNG(seed: 5)
            let m = try Model.mlp(channels: 1, height: 8, width: 8, classes: 2, hidden: 16, rng: &rng)
            try Trainer.train(m, images: x, labels: y, config: TrainConfig(epochs: 3, learningRate: 0.05, batchSize: 8), rng: &rng)
            return m.parameters
        }
        #expect(try once() == once())
    }

    @Test func badTrainingInputThrows() throws {
        var rng = SeededRNG(seed: 1)
        let m = try Model.mlp(channels: 1, height: 8, width: 8, classes: 2, rng: &rng)
        let (x, y) = toyData(4, seed: 1)
        #expect(throws: TensorError("train: 4 images but 3 labels")) {
            try Trainer.train(m, images: x, labels: Array(y.prefix(3)), config: TrainConfig(epochs: 1, learningRate: 0.1), rng: &rng)
        }
        #expect(throws: TensorError("train: label 7 is out of range for 2 classes")) {
            try Trainer.train(m, images: x, labels: [0, 1, 7, 0], config: TrainConfig(epochs: 1, learningRate: 0.1), rng: &rng)
        }
        #expect(throws: TensorError.self) {
            try Trainer.train(m, images: x, labels: y, config: TrainConfig(epochs: 1, learningRate: 0.1, batchSize: 0), rng: &rng)
        }
    }
}

@Suite struct FusedPaths {
    @Test func noGradientForwardEqualsRecordedForward() throws {
        var rng = SeededRNG(seed: 21)
        for norm in [NormKind.instance, .group] {
            let net = try Model.convNet(channels: 3, height: 16, width: 16, classes: 5, netWidth: 8, depth: 2, norm: norm, rng: &rng)
            let x = testTensor([4, 3, 16, 16], seed: 22)
            let fused = try GradMode.withoutGrad { try net.forward(Variable(x)).value }
            let recorded = try net.forward(Variable(x), parameters: net.parameterVariables()).value
            #expect(closenessFailure(fused, recorded, atol: 1e-6) == nil)
        }
    }
}
