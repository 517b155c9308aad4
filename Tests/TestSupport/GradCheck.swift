// Finite-difference checks of Autograd: first derivatives (gradCheck) and Hessian-vector
// products through double backward (hessianCheck). Difference quotients are taken in Double.
import Autograd
import TensorCore

/// Projects a non-scalar output onto fixed random weights so any op can be checked through a
/// scalar; the weights come from `seed`.
private func scalarize(_ y: Variable, seed: UInt64) throws -> Variable {
    if y.count == 1 { return try y.reshape([]) }
    let w = Variable(testTensor(y.shape, seed: seed))
    return try (y * w).sum()
}

/// Compares analytical gradients of `f` at `inputs` with central differences. Returns a
/// description of the worst mismatch, or nil. `eps` is the step in input units.
public func gradCheck(
    _ inputs: [Tensor], eps: Float = 1e-2, atol: Double = 2e-3, rtol: Double = 2e-2,
    _ f: ([Variable]) throws -> Variable
) throws -> String? {
    let vars = inputs.map { Variable($0, requiresGrad: true) }
    let loss = try scalarize(try f(vars), seed: 99)
    let grads = try gradients(of: loss, wrt: vars)
    for (k, x) in inputs.enumerated() {
        for i in 0..<x.count {
            var xp = inputs, xm = inputs
            xp[k].withUnsafeMutableValues { $0[i] += eps }
            xm[k].withUnsafeMutableValues { $0[i] -= eps }
            let fp = Double(try scalarize(try f(xp.map { Variable($0) }), seed: 99).value.data[0])
            let fm = Double(try scalarize(try f(xm.map { Variable($0) }), seed: 99).value.data[0])
            let numeric = (fp - fm) / (2 * Double(eps))
            let analytic = Double(grads[k].value.data[i])
            if abs(numeric - analytic) > atol + rtol * abs(numeric) {
                return "input \(k) element \(i): analytic \(analytic), numeric \(numeric)"
            }
        }
    }
    return nil
}

/// Checks Hessian-vector products of the scalarised `f` (double backward) against central
/// differences of first-order gradients along a random direction.
public func hessianCheck(
    _ inputs: [Tensor], eps: Float = 1e-2, atol: Double = 5e-3, rtol: Double = 5e-2,
    _ f: ([Variable]) throws -> Variable
) throws -> String? {
    let dirs = inputs.enumerated().map { testTensor($0.element.shape, seed: 500 + UInt64($0.offset)) }
    func grad(at xs: [Tensor]) throws -> [Tensor] {
        let vars = xs.map { Variable($0, requiresGrad: true) }
        return try gradients(of: try scalarize(try f(vars), seed: 99), wrt: vars).map(\.value)
    }
    // Analytical: d/dx <grad f(x), v>.
    let vars = inputs.map { Variable($0, requiresGrad: true) }
    let g = try gradients(of: try scalarize(try f(vars), seed: 99), wrt: vars, createGraph: true)
    var dot: Variable? = nil
    for (gi, v) in zip(g, dirs) {
        let term = try (gi * Variable(v)).sum()
        dot = try dot.map { try $0 + term } ?? term
    }
    guard let dot else { return "no inputs" }
    guard dot.requiresGrad else {
        // The gradient does not depend on the inputs: the Hessian is zero; check numerically.
        let plus = try grad(at: zip(inputs, dirs).map { try $0 + $1 * eps })
        let base = try grad(at: inputs)
        for (p, b) in zip(plus, base) {
            if let m = closenessFailure(p.data, b.data, atol: Float(atol), rtol: Float(rtol)) { return "expected zero Hessian: \(m)" }
        }
        return nil
    }
    let hv = try gradients(of: dot, wrt: vars)
    let plus = try grad(at: zip(inputs, dirs).map { try $0 + $1 * eps })
    let minus = try grad(at: zip(inputs, dirs).map { try $0 - $1 * eps })
    for k in inputs.indices {
        for i in 0..<inputs[k].count {
            let numeric = (Double(plus[k].data[i]) - Double(minus[k].data[i])) / (2 * Double(eps))
            let analytic = Double(hv[k].value.data[i])
            if abs(numeric - analytic) > atol + rtol * abs(numeric) {
                return "input \(k) element \(i): Hessian-vector analytic \(analytic), numeric \(numeric)"
            }
        }
    }
    return nil
}
