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
            let (shown, caretColumn) = Diagnostic.clip(lineText, around: location.column)
            // Tabs stay tabs so the caret lines up under the same columns.
            let prefix = shown.unicodeScalars.prefix(max(0, caretColumn - 1))
                .map { $0 == "\t" ? "\t" : " " }.joined()
            out += "\n    \(shown)\n    \(prefix)^"
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

extension Diagnostic {
    /// Columns of context kept on each side of the caret when a source line is long.
    static let context = 80

    /// `line` cut to `context` columns either side of `column`, with "…" where text was left
    /// out, and the caret's column in the cut text (a 10 MB one-line script is not echoed).
    static func clip(_ line: String, around column: Int) -> (text: String, column: Int) {
        let scalars = line.unicodeScalars
        let caret = max(column - 1, 0)
        let skipped = max(0, caret - context)
        guard let start = scalars.index(scalars.startIndex, offsetBy: skipped, limitedBy: scalars.endIndex) else {
            return (line, column)
        }
        let end = scalars.index(start, offsetBy: caret - skipped + context, limitedBy: scalars.endIndex) ?? scalars.endIndex
        if skipped == 0, end == scalars.endIndex { return (line, column) }
        var text = skipped > 0 ? "…" : ""
        text.unicodeScalars.append(contentsOf: scalars[start..<end])
        if end < scalars.endIndex { text += "…" }
        return (text, caret - skipped + (skipped > 0 ? 1 : 0) + 1)
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
