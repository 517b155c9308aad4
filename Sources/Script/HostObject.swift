// The extension point for values the language does not define itself: tensors, data sets,
// models, synthetic sets, results. Bindings conforms its wrappers; Script only calls these hooks.

/// A value owned by the host (Bindings): the interpreter asks it for members, indexing,
/// operators, length and iteration, and prints its `summary`.
///
/// Every hook has a default that reports "not supported", so a conformer implements only what
/// it needs. Hooks throw `ScriptError` with a plain message; the interpreter adds the location.
///
///     final class Pair: HostObject {
///         let a: Double, b: Double
///         init(_ a: Double, _ b: Double) { self.a = a; self.b = b }
///         var typeName: String { "pair" }
///         var summary: String { "pair(\(a), \(b))" }
///         var memberNames: [String] { ["a", "b"] }
///         func member(_ name: String) throws -> Value? {
///             name == "a" ? .number(a) : name == "b" ? .number(b) : nil
///         }
///     }
public protocol HostObject: AnyObject {
    /// Lowercase type name used in messages and by `type(x)`: "tensor", "dataset", "model".
    var typeName: String { get }
    /// What printing the value shows: shape and statistics, sizes, mean ± std...
    var summary: String { get }
    /// Member names for tab completion and "did you mean" suggestions.
    var memberNames: [String] { get }
    /// The value of `object.name`, or nil when there is no such member. A method is a member
    /// whose value is `.function(Builtin(...))` closing over the object.
    func member(_ name: String) throws -> Value?
    /// `object[components]`, e.g. `x[0]`, `x[1:3]`, `x[0, 2:]`.
    func index(_ components: [IndexComponent]) throws -> Value
    /// `object op other` (when `reversed` is false) or `other op object` (when true).
    /// Returns nil when the operation is not defined for these operands.
    func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws -> Value?
    /// `-object`; nil when not defined.
    func unary(_ op: UnaryOperator) throws -> Value?
    /// `len(object)`; nil when the object has no length.
    var length: Int? { get }
    /// The items `for x in object` visits; nil when the object is not iterable.
    func elements() throws -> [Value]?
    /// Truthiness in conditions; objects are true by default.
    var isTruthy: Bool { get }
}

extension HostObject {
    public var memberNames: [String] { [] }
    public func member(_ name: String) throws -> Value? { nil }
    public func index(_ components: [IndexComponent]) throws -> Value {
        throw ScriptError("cannot index a \(typeName)")
    }
    public func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws -> Value? { nil }
    public func unary(_ op: UnaryOperator) throws -> Value? { nil }
    public var length: Int? { nil }
    public func elements() throws -> [Value]? { nil }
    public var isTruthy: Bool { true }
}

/// One component of an index expression, already evaluated.
public enum IndexComponent {
    /// `x[i]`: the value inside the brackets (usually an integer number).
    case single(Value)
    /// `x[start:stop:step]`: each part absent when omitted. Integers are checked by the interpreter.
    case slice(start: Int?, stop: Int?, step: Int?)
}

extension IndexComponent {
    /// Resolves a slice against a length the Python way: negative indices count from the end,
    /// bounds are clamped; returns the selected positions. Throws on a zero step.
    public static func positions(start: Int?, stop: Int?, step: Int?, count: Int) throws -> [Int] {
        let step = step ?? 1
        guard step != 0 else { throw ScriptError("slice step cannot be zero") }
        func clamp(_ i: Int, _ lo: Int, _ hi: Int) -> Int { min(max(i, lo), hi) }
        func resolve(_ i: Int?, _ fallback: Int, _ lo: Int, _ hi: Int) -> Int {
            guard let i else { return fallback }
            return clamp(i < 0 ? i + count : i, lo, hi)
        }
        if step > 0 {
            let a = resolve(start, 0, 0, count), b = resolve(stop, count, 0, count)
            return a < b ? Array(stride(from: a, to: b, by: step)) : []
        }
        let a = resolve(start, count - 1, -1, count - 1), b = resolve(stop, -1, -1, count - 1)
        return a > b ? Array(stride(from: a, to: b, by: step)) : []
    }
}
