// Errors a script can cause, with the location and call stack to print them precisely.
// Formatting follows `FILE:LINE:COL: error: MESSAGE`, the source line and a caret.

/// One reported problem in a script: a syntax error, a runtime error or an interrupt.
///
/// `description` renders it for a terminal:
///
///     demo.dd:2:7: error: unknown variable 'lenght'; did you mean 'length'?
///         y = lenght + 1
///             ^
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case syntax, runtime, interrupted }
    /// One frame of the call stack: the function called and where the call was.
    public struct Frame: Sendable {
        public let function: String
        public let source: String
        public let location: SourceLocation
    }

    public let kind: Kind
    public let message: String
    /// Name of the source (file, `<stdin>`, `cell 3`).
    public let sourceName: String
    public let location: SourceLocation
    /// The source line the error is on, for the caret display ("" when unknown).
    public let lineText: String
    /// Innermost first: the calls that were active when a runtime error happened.
    public let trace: [Frame]
    /// True when a syntax error happened at the end of the input (the REPL then reads more).
    public let atEndOfInput: Bool

    public init(_ kind: Kind, _ message: String, in source: SourceText, at location: SourceLocation,
                trace: [Frame] = [], atEndOfInput: Bool = false) {
        self.kind = kind
        self.message = message
        self.sourceName = source.name
        self.location = location
        self.lineText = source.line(location.line)
        self.trace = trace
        self.atEndOfInput = atEndOfInput
    }

    /// The one-line header: `FILE:LINE:COL: error: MESSAGE`.
    public var header: String { "\(sourceName):\(location.line):\(location.column): error: \(message)" }

    public var description: String {
        var out = header
        if !lineText.isEmpty {
            // Tabs stay tabs so the caret lines up under the same columns.
            let prefix = lineText.unicodeScalars.prefix(max(0, location.column - 1))
                .map { $0 == "\t" ? "\t" : " " }.joined()
            out += "\n    \(lineText)\n    \(prefix)^"
        }
        // Deep recursion would print hundreds of frames: keep the innermost and outermost few.
        let shown = trace.count > 12 ? Array(trace.prefix(6)) + Array(trace.suffix(4)) : trace
        for (i, frame) in shown.enumerated() {
            if trace.count > 12, i == 6 { out += "\n  ... \(trace.count - 10) more calls ..." }
            out += "\n  in '\(frame.function)' called at \(frame.source):\(frame.location.line):\(frame.location.column)"
        }
        return out
    }
}

/// An error a builtin (or a host object) throws: the message only. The interpreter adds the
/// location of the call and the call stack.
///
///     throw ScriptError("reshape: cannot reshape 6 elements into [4]")
public struct ScriptError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Several syntax errors from one source, in order.
public struct SyntaxErrors: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
    /// True when the only problem is that the input ended inside a block or bracket.
    public var isIncompleteInput: Bool { !diagnostics.isEmpty && diagnostics.allSatisfy(\.atEndOfInput) }
}
