// Differentiable integer translation and horizontal flip (their adjoints are themselves with
// negated shifts / the same flags).
import TensorCore

extension Variable {
    public func translated(dy: [Int], dx: [Int]) throws -> Variable {
        let out = try value.translated(dy: dy, dx: dx)
        return Variable.record("translate", out, [self]) { g, _ in
            [try g.translated(dy: dy.map { -$0 }, dx: dx.map { -$0 })]
        }
    }

    public func flippedHorizontally(_ mask: [Bool]) throws -> Variable {
        let out = try value.flippedHorizontally(mask)
        return Variable.record("flip", out, [self]) { g, _ in [try g.flippedHorizontally(mask)] }
    }
}
