// Operators on values: arithmetic and comparison for numbers, concatenation and ordering for
// strings and lists, equality for everything; host objects get the first say when involved.
import Foundation

extension Interpreter {
    func unary(_ op: UnaryOperator, _ value: Value) throws -> Value {
        switch (op, value) {
        case (.not, _): return .bool(!value.isTruthy)
        case (.negate, .number(let x)): return .number(-x)
        case (.negate, .host(let host)):
            if let result = try host.unary(op) { return result }
        default: break
        }
        throw ScriptError("cannot apply unary '-' to a \(value.typeName)")
    }

    func binary(_ op: BinaryOperator, _ left: Value, _ right: Value) throws -> Value {
        if case .host(let host) = left, let result = try host.binary(op, right, reversed: false) { return result }
        if case .host(let host) = right, let result = try host.binary(op, left, reversed: true) { return result }
        switch op {
        case .equal: return .bool(left.isEqual(to: right))
        case .notEqual: return .bool(!left.isEqual(to: right))
        default: break
        }
        switch (left, right) {
        case (.number(let a), .number(let b)):
            return try Interpreter.arithmetic(op, a, b)
        case (.string(let a), .string(let b)):
            switch op {
            case .add: return .string(a + b)
            case .less: return .bool(a < b)
            case .lessEqual: return .bool(a <= b)
            case .greater: return .bool(a > b)
            case .greaterEqual: return .bool(a >= b)
            default: break
            }
        case (.list(let a), .list(let b)) where op == .add:
            return .list(a + b)
        case (.list(let items), .number) where op == .multiply, (.number, .list(let items)) where op == .multiply:
            let count = (left.exactInteger ?? right.exactInteger) ?? -1
            guard count >= 0, count <= 10_000_000 / max(1, items.count) else {
                throw ScriptError("a list can be repeated a whole number of times (0 or more), got \(Arguments.describe(left.exactInteger == nil ? left : right))")
            }
            return .list(Array([[Value]](repeating: items, count: count).joined()))
        default: break
        }
        if op == .matmul {
            throw ScriptError("'@' multiplies matrices (tensors), got \(left.typeName) and \(right.typeName)")
        }
        throw ScriptError("cannot apply '\(op.rawValue)' to \(left.typeName) and \(right.typeName)")
    }

    static func arithmetic(_ op: BinaryOperator, _ a: Double, _ b: Double) throws -> Value {
        switch op {
        case .add: return .number(a + b)
        case .subtract: return .number(a - b)
        case .multiply: return .number(a * b)
        case .divide:
            guard b != 0 else { throw ScriptError("division by zero") }
            return .number(a / b)
        case .remainder:
            guard b != 0 else { throw ScriptError("remainder by zero (in '%')") }
            return .number(a - b * (a / b).rounded(.down))
        case .power: return .number(pow(a, b))
        case .less: return .bool(a < b)
        case .lessEqual: return .bool(a <= b)
        case .greater: return .bool(a > b)
        case .greaterEqual: return .bool(a >= b)
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        case .matmul:
            throw ScriptError("'@' multiplies matrices (tensors), got number and number")
        }
    }
}
