// Elementwise ops on Variables with their backward rules, each rule written with Variable ops
// so it can be differentiated again. Broadcasting is undone with `sum(to:)`.
import TensorCore

extension Variable {
    // MARK: binary, broadcasting

    public static func + (a: Variable, b: Variable) throws -> Variable {
        let out = try a.value + b.value
        return record("add", out, [a, b]) { g, needs in
            [needs[0] ? try g.sum(to: a.shape) : nil, needs[1] ? try g.sum(to: b.shape) : nil]
        }
    }

    public static func - (a: Variable, b: Variable) throws -> Variable {
        let out = try a.value - b.value
        return record("sub", out, [a, b]) { g, needs in
            [needs[0] ? try g.sum(to: a.shape) : nil, needs[1] ? try (-g).sum(to: b.shape) : nil]
        }
    }

    public static func * (a: Variable, b: Variable) throws -> Variable {
        let out = try a.value * b.value
        return record("mul", out, [a, b]) { g, needs in
            [needs[0] ? try (g * b).sum(to: a.shape) : nil, needs[1] ? try (g * a).sum(to: b.shape) : nil]
        }
    }

    public static func / (a: Variable, b: Variable) throws -> Variable {
        let out = try a.value / b.value
        return record("div", out, [a, b]) { g, needs in
            let ga = needs[0] ? try (g / b).sum(to: a.shape) : nil
            let gb = needs[1] ? try (-(try g * a) / (b * b)).sum(to: b.shape) : nil
            return [ga, gb]
        }
    }

    // MARK: with constants

    public static func + (a: Variable, s: Float) -> Variable {
        record("add_scalar", a.value + s, [a]) { g, _ in [g] }
    }
    public static func + (s: Float, a: Variable) -> Variable { a + s }
    public static func - (a: Variable, s: Float) -> Variable { a + (-s) }
    public static func - (s: Float, a: Variable) -> Variable { (-a) + s }

    public static func * (a: Variable, s: Float) -> Variable {
        record("mul_scalar", a.value * s, [a]) { g, _ in [g * s] }
    }
    public static func * (s: Float, a: Variable) -> Variable { a * s }
    public static func / (a: Variable, s: Float) -> Variable { a * (1 / s) }

    public static prefix func - (a: Variable) -> Variable {
        record("neg", -a.value, [a]) { g, _ in [-g] }
    }

    /// Multiplies by a constant tensor (broadcasting); the constant gets no gradient.
    public func scaled(by t: Tensor) throws -> Variable {
        try self * Variable(t)
    }

    // MARK: unary

    public func pow(_ p: Float) -> Variable {
        if p == 1 { return self }
        let x = self
        return Variable.record("pow", value.pow(p), [self]) { g, _ in
            if p == 2 { return [try g * (x * 2)] }
            return [try g * (x.pow(p - 1) * p)]
        }
    }

    public func exp() -> Variable {
        let out = value.exp()
        let x = self
        return Variable.record("exp", out, [self]) { g, _ in [try g * x.exp()] }
    }

    public func log() -> Variable {
        let x = self
        return Variable.record("log", value.log(), [self]) { g, _ in [try g / x] }
    }

    public func sqrt() -> Variable {
        let x = self
        return Variable.record("sqrt", value.sqrt(), [self]) { g, _ in [try g / (x.sqrt() * 2)] }
    }

    // Masks and factors are computed in the backward rule from the saved input, so forward
    // passes without gradients do no extra work.

    public func abs() -> Variable {
        let x = value
        return Variable.record("abs", value.abs(), [self]) { g, _ in [try g * Variable(x.sign())] }
    }

    public func relu() -> Variable {
        let x = value
        return Variable.record("relu", value.relu(), [self]) { g, _ in [try g.gated(byPositive: x)] }
    }

    /// This gradient where `gate` > 0, else zero: ReLU's backward in one pass, differentiable
    /// in `self` (the gate is a constant), so second-order gradients pass through it.
    public func gated(byPositive gate: Tensor) throws -> Variable {
        let out = try value.gated(byPositive: gate)
        return Variable.record("relu_gate", out, [self]) { g, _ in [try g.gated(byPositive: gate)] }
    }

    public func leakyRelu(_ slope: Float = 0.01) -> Variable {
        let x = value
        return Variable.record("leaky_relu", value.leakyRelu(slope), [self]) { g, _ in
            [try g * Variable(x.map { $0 > 0 ? 1 : slope })]
        }
    }

    public func sigmoid() -> Variable {
        let x = self
        return Variable.record("sigmoid", value.sigmoid(), [self]) { g, _ in
            let s = x.sigmoid()
            return [try g * (s * (1 - s))]
        }
    }

    public func tanh() -> Variable {
        let x = self
        return Variable.record("tanh", value.tanh(), [self]) { g, _ in
            let t = x.tanh()
            return [try g * (1 - t * t)]
        }
    }

    /// x * sigmoid(x).
    public func swish() throws -> Variable { try self * sigmoid() }

    /// Values clipped to [lo, hi]; the gradient passes where the value was inside.
    public func clamp(min lo: Float = -.infinity, max hi: Float = .infinity) -> Variable {
        let x = value
        return Variable.record("clamp", value.clamp(min: lo, max: hi), [self]) { g, _ in
            [try g * Variable(x.map { $0 >= lo && $0 <= hi ? 1 : 0 })]
        }
    }
}
