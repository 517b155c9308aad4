// Matrix products on Variables. The backward rules use the transposed-operand forms of matmul,
// so no transposed copy is made and second derivatives come for free.
import TensorCore

extension Variable {
    /// Matrix product of the last two axes (batch axes broadcast), with optional transposes.
    public func matmul(_ other: Variable, transposeA: Bool = false, transposeB: Bool = false) throws -> Variable {
        guard rank >= 2, other.rank >= 2 else {
            throw TensorError("matmul: operands need rank >= 2 for gradients, got \(shape.shapeText) and \(other.shape.shapeText)")
        }
        let a = self, b = other
        let out = try value.matmul(other.value, transposeA: transposeA, transposeB: transposeB)
        return Variable.record("matmul", out, [a, b]) { g, needs in
            var ga: Variable?, gb: Variable?
            if needs[0] {
                // C = op(A) op(B): dA = g op(B)^T, transposed back when A was used transposed.
                ga = transposeA
                    ? try b.matmul(g, transposeA: transposeB, transposeB: true)
                    : try g.matmul(b, transposeA: false, transposeB: !transposeB)
                ga = try ga!.sum(to: a.shape)
            }
            if needs[1] {
                gb = transposeB
                    ? try g.matmul(a, transposeA: true, transposeB: transposeA)
                    : try a.matmul(g, transposeA: !transposeA, transposeB: false)
                gb = try gb!.sum(to: b.shape)
            }
            return [ga, gb]
        }
    }
}
