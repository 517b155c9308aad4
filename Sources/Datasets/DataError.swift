// The one error type of module Data: a message naming the file and what was wrong, and an
// optional hint saying what to do. It does not classify errors; callers only print them.

/// An error loading a data set: a missing set, a damaged file, an inconsistent folder.
///
/// The message says what was expected, what was found and where (the file's path); the hint,
/// when present, says what to do about it.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, naming the file or folder.
    public let message: String
    /// What to do about it, or nil.
    public let hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    /// The message with the hint in parentheses, on one line (how builtins word hints).
    public var inlineText: String {
        guard let hint else { return message }
        return message + " (HINT: " + hint + ")"
    }

    public var description: String {
        guard let hint else { return message }
        return message + "\n---> HINT: " + hint
    }
}
