// ImageIOError: the one error type of the ImageIO module (bad files, bad paths, bad arguments).
// Messages name the operation and the argument or file; I/O errors end with a hint.

/// An error from reading or writing a picture, or from a bad argument to a picture builder.
///
/// `description` is the full message, ready to print: it names the operation (`png`, `grid`,
/// `plot`), the argument or file, what was expected and what was found.
public struct ImageIOError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The full message, e.g. `png: no such file 'x.png' (HINT: ...)`.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ImageIOError {
    /// The same error reported by another operation: `png: cannot write ...` becomes
    /// `grid: cannot write ...` when a grid's file write fails.
    func retagged(_ op: String) -> ImageIOError {
        guard let colon = message.firstIndex(of: ":") else { return self }
        return ImageIOError(op + message[colon...])
    }
}
