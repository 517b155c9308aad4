import Testing
import TestSupport
import TensorCore
import Autograd
@testable import Distillation

@Suite struct DSATests {
    let x = testTensor([4, 3, 8, 8], seed: 1)

    @Test func parsesStrategiesAndRejectsUnknownOps() throws {
        #expect(try DSA(strategy: DSA.defaultStrategy).ops.count == 6)
        #expect(try DSA(strategy: "none").ops.isEmpty)
        #expect(throws: TensorError.self) { try DSA(strategy: "color_blur") }
    }

    @Test func siameseSameSeedSameTransformOnTwoBatches() throws {
        let dsa = try DSA(strategy: DSA.defaultStrategy)
        for seed in UInt64(0)..<24 {
            // The same image inside two different batches gets the same transform.
            let a = try dsa.apply(Variable(x), seed: seed).value
            let b = try dsa.apply(Variable(x.slice(axis: 0, 2..<3)), seed: seed).value
            #expect(closenessFailure(try a.slice(axis: 0, 2..<3).data, b.data, atol: 1e-5) == nil)
        }
    }

    @Test func everyOpIsDrawnAndChangesImages() throws {
        let dsa = try DSA(strategy: DSA.defaultStrategy)
        var seen = Set<DSA.Op>()
        for seed in UInt64(0)..<200 { if let op = dsa.drawnOp(seed: seed) { seen.insert(op) } }
        #expect(seen.count == 6)
        for op in DSA.Op.allCases {
            let one = try DSA(strategy: op.rawValue)
            let changed = try (0..<8).contains { s in try one.apply(Variable(x), seed: UInt64(s)).value != x }
            #expect(changed, "op \(op) never changed the batch")
        }
    }

    @Test func magnitudesStayInRange() throws {
        // Crop: at most round(8 * 0.125) = 1 pixel of shift; a shifted constant image keeps
        // a full interior.
        let ones = try Tensor.ones([1, 1, 8, 8])
        let crop = try DSA(strategy: "crop")
        for s in 0..<20 {
            let y = try crop.apply(Variable(ones), seed: UInt64(s)).value
            #expect(y.data.filter { $0 == 1 }.count >= 49)
        }
        // Cutout: a 4x4 square (ratio 0.5 of 8), clipped at the border.
        let cut = try DSA(strategy: "cutout")
        for s in 0..<20 {
            let zeros = try cut.apply(Variable(ones), seed: UInt64(s)).value.data.filter { $0 == 0 }.count
            #expect(zeros >= 4 && zeros <= 16)
        }
        // Brightness shifts by at most 0.5 before saturation/contrast; scale within 1/1.2..1.2.
        let color = try DSA(strategy: "color")
        for s in 0..<20 {
            let y = try color.apply(Variable(try Tensor.zeros([1, 3, 4, 4])), seed: UInt64(s)).value
            #expect(y.data.allSatisfy { Swift.abs($0) <= 0.5 + 1e-6 })
        }
    }

    @Test func differentiableThroughEveryOp() throws {
        let small = testTensor([2, 3, 6, 6], seed: 3)
        for op in DSA.Op.allCases {
            let one = try DSA(strategy: op.rawValue)
            #expect(try gradCheck([small], eps: 1e-2) { try one.apply($0[0], seed: 5) } == nil, "op \(op)")
        }
    }

    @Test func perImageModeDrawsDifferentTransforms() throws {
        let dsa = try DSA(strategy: "flip")
        var rng = SeededRNG(seed: 3)
        let same = try Tensor.stack(Array(repeating: testTensor([1, 4, 4], seed: 9), count: 16), axis: 0)
        let y = try dsa.apply(Variable(same), rng: &rng).value
        let first = try y.slice(axis: 0, 0..<1)
        #expect(try (1..<16).contains { try y.slice(axis: 0, $0..<($0 + 1)) != first })
    }
}
