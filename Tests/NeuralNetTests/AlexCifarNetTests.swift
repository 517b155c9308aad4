// AlexCifarNet, the DD reference's CIFAR network: its parameter count, its layers in the
// reference's order (against a hand composition), other input sizes, Xavier weights, saved
// layers and bad inputs. Second derivatives through it: DD's unrolled gradient in
// DistillationTests/UnrolledTests.swift; of its two new layers: AutogradTests.
import Foundation
import Testing
import TestSupport
import TensorCore
import Autograd
@testable import NeuralNet

@Suite struct AlexCifarNetTests {
    @Test func cifar10ParameterCountIsTheReferences() throws {
        var rng = SeededRNG(seed: 1)
        let net = try ModelSpec(kind: .alexcifarnet).build(imageShape: [3, 32, 32], classes: 10, rng: &rng)
        #expect(net.name == "AlexCifarNet")
        // 4,864 + 102,464 + 1,573,248 + 73,920 + 1,930.
        #expect(net.parameterCount == 1_756_426)
        // conv 3->64 5x5, conv 64->64 5x5, linear 4096->384, 384->192, 192->10, each with bias.
        let perLayer = stride(from: 0, to: net.parameters.count, by: 2).map { net.parameters[$0].count + net.parameters[$0 + 1].count }
        #expect(perLayer == [4_864, 102_464, 1_573_248, 73_920, 1_930])
        let x = Variable(testTensor([2, 3, 32, 32], seed: 2))
        #expect(try net.forward(x).shape == [2, 10])
        #expect(try net.embed(x).shape == [2, 192])
    }

    @Test func layersRunInTheReferencesOrder() throws {
        // conv -> relu -> pool -> LRN -> conv -> relu -> LRN -> pool -> 3 linear, composed by hand
        // from Tensor ops and the plain-loop LRN.
        var rng = SeededRNG(seed: 4)
        let net = try Model.alexCifarNet(channels: 3, height: 8, width: 8, classes: 3, rng: &rng)
        let x = testTensor([2, 3, 8, 8], seed: 5).map { $0 * 4 }
        let p = net.parameters
        func lrn(_ t: Tensor) throws -> Tensor { try t.localResponseNormReference(size: 4, alpha: Float(0.001 / 9.0), beta: 0.75, k: 1) }
        func pool(_ t: Tensor) throws -> Tensor { try t.maxPool2d(kernel: 3, stride: 2, padding: 1).0 }
        var h = try lrn(pool(x.conv2d(p[0], bias: p[1], padding: 2).relu()))
        h = try pool(lrn(h.conv2d(p[2], bias: p[3], padding: 2).relu()))
        #expect(h.shape == [2, 64, 2, 2])
        h = try h.reshaped([2, 256])
        h = try (h.matmul(p[4], transposeB: true) + p[5]).relu()
        h = try (h.matmul(p[6], transposeB: true) + p[7]).relu()
        h = try h.matmul(p[8], transposeB: true) + p[9]
        #expect(closenessFailure(try net.forward(Variable(x)).value, h, atol: 1e-5, rtol: 1e-4) == nil)
    }

    @Test(arguments: [([3, 8, 8], 64 * 2 * 2), ([1, 28, 28], 64 * 7 * 7), ([3, 33, 17], 64 * 9 * 5), ([3, 1, 1], 64), ([2, 5, 3], 64 * 2 * 1)])
    func otherInputSizes(shape: [Int], features: Int) throws {
        var rng = SeededRNG(seed: 6)
        let net = try ModelSpec(kind: .alexcifarnet).build(imageShape: shape, classes: 4, rng: &rng)
        #expect(net.layers[9] == .linear(inFeatures: features, outFeatures: 384, bias: true))
        #expect(try net.forward(Variable(testTensor([2] + shape, seed: 7))).shape == [2, 4])
    }

    @Test func badInputsThrowTensorErrors() throws {
        var rng = SeededRNG(seed: 8)
        #expect(throws: TensorError("model: input shape [3, 0, 32] must be positive")) {
            try ModelSpec(kind: .alexcifarnet).build(imageShape: [3, 0, 32], classes: 10, rng: &rng)
        }
        #expect(throws: TensorError("model: image shape must be [c, h, w], got [3, 32]")) {
            try ModelSpec(kind: .alexcifarnet).build(imageShape: [3, 32], classes: 10, rng: &rng)
        }
        #expect(throws: TensorError("model: classes must be positive, got 0")) {
            try Model.alexCifarNet(channels: 3, height: 32, width: 32, classes: 0, rng: &rng)
        }
        let net = try Model.alexCifarNet(channels: 3, height: 8, width: 8, classes: 2, rng: &rng)
        #expect(throws: TensorError("AlexCifarNet: input must be [n, 3, 8, 8], got [2, 1, 8, 8]")) {
            try net.forward(Variable(testTensor([2, 1, 8, 8], seed: 9)))
        }
        #expect(throws: TensorError("AlexCifarNet: input must be [n, 3, 8, 8], got [2, 3, 4, 4]")) {
            try net.forward(Variable(testTensor([2, 3, 4, 4], seed: 9)))
        }
    }

    @Test func xavierWeightsAndZeroBiases() throws {
        var rng = SeededRNG(seed: 10)
        let spec = ModelSpec(kind: .alexcifarnet, weights: .xavier)
        #expect(spec.description == "AlexCifarNet [xavier weights]")
        #expect(ModelSpec(kind: .alexcifarnet).description == "AlexCifarNet")
        let net = try spec.build(imageShape: [3, 32, 32], classes: 10, rng: &rng)
        // (fan_in, fan_out) as PyTorch counts them, kernels included.
        let fans = [(75, 1600), (1600, 1600), (4096, 384), (384, 192), (192, 10)]
        for (layer, (fanIn, fanOut)) in fans.enumerated() {
            let w = net.parameters[2 * layer].data
            #expect(net.parameters[2 * layer + 1].data.allSatisfy { $0 == 0 }, "layer \(layer) bias")
            let std = (w.reduce(0) { $0 + $1 * $1 } / Float(w.count)).squareRoot()
            let want = (2 / Float(fanIn + fanOut)).squareRoot()
            #expect(Swift.abs(std / want - 1) < 0.1, "layer \(layer): std \(std), want \(want)")
        }
        var r2 = SeededRNG(seed: 10)
        let plain = try ModelSpec(kind: .alexcifarnet).build(imageShape: [3, 32, 32], classes: 10, rng: &r2)
        #expect(plain.parameters[4].data.allSatisfy { Swift.abs($0) <= 1 / Float(4096).squareRoot() })
        #expect(plain.parameters[5].data.contains { $0 != 0 })
    }

    @Test func specAndLayersSurviveJSON() throws {
        let spec = ModelSpec(kind: .alexcifarnet, weights: .xavier)
        let data = try JSONEncoder().encode(spec)
        #expect(String(decoding: data, as: UTF8.self).contains(#""kind":"alexcifarnet""#))
        #expect(try JSONDecoder().decode(ModelSpec.self, from: data) == spec)
        var rng = SeededRNG(seed: 11)
        let layers = try spec.build(imageShape: [3, 32, 32], classes: 10, rng: &rng).layers
        #expect(try JSONDecoder().decode([LayerSpec].self, from: JSONEncoder().encode(layers)) == layers)
        // Saved unpadded pools keep decoding as before.
        let old = #"[{"pool":{"_0":"max","kernel":2,"stride":2}}]"#
        #expect(try JSONDecoder().decode([LayerSpec].self, from: Data(old.utf8)) == [.pool(.max, kernel: 2, stride: 2)])
    }
}
