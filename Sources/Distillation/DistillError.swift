// The one error type of configuration and runs: what kind of problem, which argument (so the
// language can point at it), the message, and a hint at the fix.
import TensorCore

/// A problem with a method's settings, its data or its run.
///
///     throw DistillError(.configuration, "lr must be positive, got -1", argument: "lr")
public struct DistillError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// A setting out of range or not allowed with this method.
        case configuration
        /// The data set does not fit (too few images, wrong shapes, whitened data...).
        case data
        /// Something a run needs is missing or does not fit (experts, a set to resume, a checkpoint).
        case run
    }

    public let kind: Kind
    public let message: String
    /// The named argument of `distill` at fault, when there is one.
    public let argument: String?
    public let hint: String?

    public init(_ kind: Kind, _ message: String, argument: String? = nil, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.argument = argument
        self.hint = hint
    }

    public var description: String { hint.map { "\(message) (HINT: \($0))" } ?? message }

    /// A configuration error about `argument`: "`argument` must ...".
    public static func setting(_ argument: String, _ message: String, hint: String? = nil) -> DistillError {
        DistillError(.configuration, message, argument: argument, hint: hint)
    }
}

extension DistillError {
    /// The check configs share: `value` must be positive and finite.
    static func positive(_ value: Float, _ argument: String, method: String) throws {
        guard value > 0, value.isFinite else { throw setting(argument, "\(method): \(argument) must be positive, got \(value)") }
    }

    /// `value` must be at least `least`.
    static func atLeast(_ value: Int, _ least: Int, _ argument: String, method: String) throws {
        guard value >= least else { throw setting(argument, "\(method): \(argument) must be at least \(least), got \(value)") }
    }
}
