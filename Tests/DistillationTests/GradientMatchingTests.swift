import Testing
import TestSupport
import TensorCore
import Autograd
import NeuralNet
@testable import Distillation

@Suite struct GradientMatchingTests {
    // A [2, 2] weight and a [2] bias, small enough to work out by hand.
    let real = [Tensor(unchecked: [2, 2], data: [1, 0, 0, 1]), Tensor(unchecked: [2], data: [1, 2])]
    let syn = [Tensor(unchecked: [2, 2], data: [1, 1, 0, 2]), Tensor(unchecked: [2], data: [3, 4])]

    func value(_ d: MatchingDistance, include: [Bool] = [true, true]) throws -> Float {
        try d(real: real, syn: syn.map { Variable($0) }, include: include).value.data[0]
    }

    @Test func distancesMatchHandComputedValues() throws {
        // ours: row 0 cos([1,0],[1,1]) = 1/√2, row 1 cos([0,1],[0,2]) = 1; the bias is skipped.
        let ours = (1 - 1 / (2.0.squareRoot() + 1e-6)) + (1 - 2 / (2 + 1e-6))
        #expect(Swift.abs(Double(try value(.ours)) - ours) < 1e-6)
        // mse: weight (0² + 1² + 0² + 1²) + bias (2² + 2²).
        #expect(try value(.mse) == 10)
        #expect(try value(.mse, include: [true, false]) == 2)
        // l1: weight 1 + 1, bias 2 + 2.
        #expect(try value(.l1) == 6)
        // cos over [1,0,0,1,1,2] and [1,1,0,2,3,4]: dot 14, |r|² 7, |s|² 31.
        let cos = 1 - 14 / (217.0.squareRoot() + 1e-6)
        #expect(Swift.abs(Double(try value(.cos)) - cos) < 1e-6)
    }

    @Test(arguments: MatchingDistance.allCases)
    func distanceEqualsItsReferenceTwin(_ d: MatchingDistance) throws {
        let shapes = [[5, 3, 3, 3], [7, 11], [5], [3, 4, 5]]
        let r = shapes.enumerated().map { testTensor($0.element, seed: UInt64(10 + $0.offset)) }
        let s = shapes.enumerated().map { testTensor($0.element, seed: UInt64(20 + $0.offset)) }
        for include in [[true, true, true, true], [true, false, true, false], [false, true, false, true]] {
            let got = try d(real: r, syn: s.map { Variable($0) }, include: include).value.data[0]
            let want = d.reference(real: r, syn: s, include: include)
            #expect(Swift.abs(Double(got) - want) <= 1e-4 * Swift.max(1, Swift.abs(want)), "\(d) \(include): \(got) vs \(want)")
        }
    }

    @Test func oursSkipsOneDimensionalParameters() throws {
        let other = [syn[0], Tensor(unchecked: [2], data: [-50, 70])]
        let a = try MatchingDistance.ours(real: real, syn: syn.map { Variable($0) }, include: [true, true]).value
        let b = try MatchingDistance.ours(real: real, syn: other.map { Variable($0) }, include: [true, true]).value
        #expect(a == b)
        #expect(throws: TensorError.self) {
            try MatchingDistance.ours(real: [real[1]], syn: [Variable(syn[1])], include: [true])
        }
        #expect(throws: TensorError.self) { _ = try MatchingDistance(name: "cosine") }
        #expect(try MatchingDistance(name: "MSE") == .mse)
    }

    @Test func zeroSyntheticRowHasAFiniteGradient() throws {
        let s = Variable(Tensor(unchecked: [2, 2], data: [0, 0, 1, 2]), requiresGrad: true)
        let d = try MatchingDistance.ours(real: [real[0]], syn: [s], include: [true])
        let g = try gradients(of: d, wrt: [s])[0].value
        #expect(g.data.allSatisfy { $0.isFinite }, "\(g.data)")
    }

    @Test func idcExcludesBiasNormAndFullyConnected() throws {
        var rng = SeededRNG(seed: 1)
        let net = try ModelSpec(kind: .convnet, width: 4, depth: 1).build(imageShape: [1, 8, 8], classes: 2, rng: &rng)
        let all = GradientMatching.includedParameters(net)
        let idc = GradientMatching.includedParameters(net, bias: false, fullyConnected: false)
        #expect(all.allSatisfy { $0 })
        #expect(idc == net.parameters.map { $0.rank >= 3 })
        #expect(idc.contains(true) && idc.contains(false))
    }

    /// The gradient of the matching loss with respect to the synthetic images (through the
    /// second-order graph) against central differences, on a tiny ConvNet with tanh (smooth).
    @Test(arguments: MatchingDistance.allCases)
    func matchingLossGradientMatchesFiniteDifferences(_ d: MatchingDistance) throws {
        let (f, x) = try tinyMatchingProblem(d, activation: .tanh)
        let failure = try gradCheck([x], eps: 1e-2, atol: 2e-3, rtol: 3e-2) { v in try f(v[0]) }
        #expect(failure == nil, "\(d): \(failure ?? "")")
    }

    /// The same with the default ReLU ConvNet, whose loss has kinks: elements where two step
    /// sizes disagree (a kink within reach) are skipped, the rest must match.
    @Test(arguments: [MatchingDistance.ours, .mse])
    func reluMatchingLossGradientMatchesWhereSmooth(_ d: MatchingDistance) throws {
        let (f, x) = try tinyMatchingProblem(d, activation: .relu)
        let xv = Variable(x, requiresGrad: true)
        let analytic = try gradients(of: try f(xv), wrt: [xv])[0].value
        func numeric(_ i: Int, _ eps: Float) throws -> Double {
            var xp = x, xm = x
            xp.withUnsafeMutableValues { $0[i] += eps }
            xm.withUnsafeMutableValues { $0[i] -= eps }
            return (Double(try f(Variable(xp)).value.data[0]) - Double(try f(Variable(xm)).value.data[0])) / Double(2 * eps)
        }
        var skipped = 0
        for i in 0..<x.count {
            let a = try numeric(i, 2e-3), b = try numeric(i, 1e-3)
            if Swift.abs(a - b) > 2e-3 + 2e-2 * Swift.abs(a) { skipped += 1; continue }
            let g = Double(analytic.data[i])
            #expect(Swift.abs(g - a) <= 3e-3 + 3e-2 * Swift.abs(a), "\(d) element \(i): analytic \(g), numeric \(a)")
        }
        #expect(skipped * 5 <= x.count, "\(skipped) of \(x.count) elements near a kink")
    }

    /// A tiny ConvNet, a real-gradient target and synthetic images: the loss as a function of them.
    func tinyMatchingProblem(_ d: MatchingDistance, activation: Activation) throws -> ((Variable) throws -> Variable, Tensor) {
        var rng = SeededRNG(seed: 3)
        let net = try ModelSpec(kind: .convnet, width: 3, depth: 1, activation: activation).build(imageShape: [1, 6, 6], classes: 2, rng: &rng)
        let params = net.parameterVariables()
        let include = GradientMatching.includedParameters(net)
        let real = try Tensor.randn([4, 1, 6, 6], rng: &rng)
        let target = try GradientMatching.parameterGradients(net, params, images: Variable(real), labels: [0, 0, 0, 0], mode: .train)
        let x = try Tensor.randn([2, 1, 6, 6], rng: &rng)
        let f = { (v: Variable) throws -> Variable in
            try GradientMatching.matchingLoss(net, params, realGradients: target, synthetic: v, labels: [0, 0],
                                              mode: .train, distance: d, include: include)
        }
        return (f, x)
    }

    @Test func cutMixPastesABoxAndMixesLabels() throws {
        let x = Tensor(unchecked: [2, 1, 4, 4], data: [Float](repeating: 0, count: 16) + [Float](repeating: 1, count: 16))
        var rng = SeededRNG(seed: 5)
        var sawMix = false
        for _ in 0..<20 {
            let (out, labels, ratio) = try GradientMatching.cutMix(x, labels: [0, 1], rng: &rng)
            #expect(ratio >= 0 && ratio <= 1)
            // Pixels changed in image 0 are those pasted from image 1, and cover 1 − ratio.
            let changed = out.data[0..<16].filter { $0 != 0 }.count
            if labels[0] == 1 { #expect(Float(changed) / 16 == 1 - ratio) } else { #expect(changed == 0) }
            if labels[0] == 1 && changed > 0 { sawMix = true }
        }
        #expect(sawMix)
    }
}
