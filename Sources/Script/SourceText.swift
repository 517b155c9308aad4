// A named piece of .dd source text and positions in it, used by every diagnostic.
// It does not know about tokens or syntax; it only maps line numbers to line text.

/// A position in a source text: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "\(line):\(column)" }
}

/// A named source text: a script file, a REPL cell, a notebook cell or a `-e` one-liner.
///
///     let source = SourceText(name: "demo.dd", text: "x = 1\nprint(x)")
///     source.line(2)   // "print(x)"
public struct SourceText: Sendable {
    /// The name shown in diagnostics (`script.dd`, `<stdin>`, `cell 3`).
    public let name: String
    public let text: String
    /// The first line number of `text` in its file (notebook cells start mid-file).
    public let firstLine: Int
    private let lines: [Substring]

    public init(name: String, text: String, firstLine: Int = 1) {
        self.name = name
        self.text = text
        self.firstLine = firstLine
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The text of line `number` (numbered as in the file), without its newline; "" if absent.
    public func line(_ number: Int) -> String {
        let i = number - firstLine
        guard i >= 0, i < lines.count else { return "" }
        var s = String(lines[i])
        if s.hasSuffix("\r") { s.removeLast() }
        return s
    }
}
