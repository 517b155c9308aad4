// Shared test helpers: closeness checks that report the worst element, and finite-difference
// gradient checks in Double. Used by every numeric test target.
import TensorCore

/// Describes where two float arrays differ the most, or nil when every element is within
/// `atol + rtol * |expected|`.
public func closenessFailure(_ actual: [Float], _ expected: [Float], atol: Float = 1e-5, rtol: Float = 1e-4) -> String? {
    guard actual.count == expected.count else {
        return "count mismatch: \(actual.count) vs \(expected.count)"
    }
    var worst = -1
    var worstExcess: Float = 0
    var maxDiff: Float = 0
    for i in actual.indices {
        let d = abs(actual[i] - expected[i])
        if d.isNaN || actual[i].isNaN != expected[i].isNaN {
            return "element \(i): \(actual[i]) vs \(expected[i]) (NaN)"
        }
        maxDiff = max(maxDiff, d)
        let excess = d - (atol + rtol * abs(expected[i]))
        if excess > worstExcess { worstExcess = excess; worst = i }
    }
    if worst < 0 { return nil }
    return "worst element \(worst): \(actual[worst]) vs expected \(expected[worst]); max |diff| \(maxDiff)"
}

/// Same as the array version, also checking shapes.
public func closenessFailure(_ actual: Tensor, _ expected: Tensor, atol: Float = 1e-5, rtol: Float = 1e-4) -> String? {
    guard actual.shape == expected.shape else {
        return "shape mismatch: \(actual.shape.shapeText) vs \(expected.shape.shapeText)"
    }
    return closenessFailure(actual.data, expected.data, atol: atol, rtol: rtol)
}

/// Deterministic test data: values in [-1, 1) from a seed.
public func testData(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SeededRNG(seed: seed)
    return (0..<count).map { _ in rng.nextFloat() * 2 - 1 }
}

public func testTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    Tensor(unchecked: shape, data: testData(shape.reduce(1, *), seed: seed))
}

/// Central finite differences of a scalar function of a flat vector, in Double.
public func numericalGradient(_ x: [Double], eps: Double = 1e-3, _ f: ([Double]) -> Double) -> [Double] {
    var g = [Double](repeating: 0, count: x.count)
    var xp = x
    for i in x.indices {
        xp[i] = x[i] + eps
        let fp = f(xp)
        xp[i] = x[i] - eps
        let fm = f(xp)
        xp[i] = x[i]
        g[i] = (fp - fm) / (2 * eps)
    }
    return g
}
