// Operators on tensors through the HostObject hooks: arithmetic with broadcasting, `@`,
// comparisons into 0/1 masks, and unary minus. Operands may be tensors, numbers or nested lists.
import Foundation
import Script
import TensorCore

extension TensorObject {
    public func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws -> Value? {
        let o: Tensor
        do {
            o = try TensorObject.tensor(from: other)
        } catch is ConversionProblem {
            // `x == "a"` and friends fall back to the language's rules (identity); other
            // operators report `cannot apply '+' to tensor and string`.
            if case .list = other {
                throw ScriptError("'\(op.rawValue)' needs a tensor, a number or a rectangular list of numbers on the other side")
            }
            return nil
        }
        let (a, b) = reversed ? (o, tensor) : (tensor, o)
        if case .number = other, op != .matmul, let result = try TensorObject.scalarFast(op, tensor, Float(o.data[0]), reversed: reversed) {
            return tensorValue(result)
        }
        return tensorValue(try TensorObject.apply(op, a, b))
    }

    public func unary(_ op: UnaryOperator) throws -> Value? {
        guard op == .negate else { return nil }
        return tensorValue(-tensor)
    }

    /// `a op b` for two tensors (broadcasting; TensorError messages name the op and shapes).
    static func apply(_ op: BinaryOperator, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        switch op {
        case .add: return try a + b
        case .subtract: return try a - b
        case .multiply: return try a * b
        case .divide: return try a / b
        case .power: return try a.pow(b)
        case .remainder:
            // Python's rule: the result takes the sign of the divisor.
            return try a.combined(with: b, op: "remainder") { x, y in x - y * (x / y).rounded(.down) }
        case .matmul:
            guard a.rank >= 1, b.rank >= 1 else {
                throw ScriptError("'@' needs tensors of rank 1 or more, got shapes \(a.shape.shapeText) and \(b.shape.shapeText)")
            }
            return try a.matmul(b)
        case .equal: return try a.equal(b)
        case .notEqual: return try a.notEqual(b)
        case .less: return try a.less(b)
        case .lessEqual: return try a.lessEqual(b)
        case .greater: return try a.greater(b)
        case .greaterEqual: return try a.greaterEqual(b)
        }
    }

    /// The scalar kernels for `tensor op number` (and `number op tensor`) where TensorCore has them.
    static func scalarFast(_ op: BinaryOperator, _ t: Tensor, _ s: Float, reversed: Bool) throws -> Tensor? {
        switch (op, reversed) {
        case (.add, _): return t + s
        case (.multiply, _): return t * s
        case (.subtract, false): return t - s
        case (.subtract, true): return s - t
        case (.divide, false): return t / s
        case (.divide, true): return s / t
        case (.power, false): return t.pow(s)
        case (.greater, false), (.less, true): return t.greater(s)
        case (.less, false), (.greater, true): return t.less(s)
        default: return nil
        }
    }
}
