// A notebook as Markdown: prose kept verbatim, dd cells found by CommonMark's fence rules
// (backticks or tildes, longer fences, info strings, up to 3 spaces of indentation, CRLF), and
// for each cell the output block and picture links a previous run wrote. Fence syntax is in
// MarkdownFence.swift; comparing outputs is OutputComparison.swift.
import Foundation

/// A parsed notebook: an alternation of prose and cells.
///
///     let doc = NotebookDocument.parse(markdown, stem: "quickstart")
///     doc.cells.first?.code     // the first cell's source
public struct NotebookDocument: Equatable {
    /// A dd cell with what the last run wrote below it.
    public struct Cell: Equatable {
        /// The source, without the fence's indentation.
        public var code: String
        /// Line number (in the file) of the cell's first code line.
        public var firstLine: Int
        /// The text of the output block below the cell, nil when there is none.
        public var output: String?
        /// Picture links below the output, as written (`![caption](stem.files/x.png)`).
        public var images: [String]
        /// The cell as written (fence lines and code lines verbatim); nil for a cell made in
        /// code (`:export`), rendered with a plain backtick fence.
        public var written: Written?
        /// The cell's `tolerance=` attribute, if any.
        public var tolerance: OutputComparison.Tolerance?

        public init(code: String, firstLine: Int, output: String?, images: [String]) {
            self.code = code
            self.firstLine = firstLine
            self.output = output
            self.images = images
        }
    }

    /// A cell's own text, kept so that rendering never rewrites what the user wrote.
    public struct Written: Equatable {
        public var opening: String
        public var lines: [String]
        /// Nil when the fence was never closed (CommonMark: the cell runs to the end).
        public var closing: String?
        /// Spaces before the opening fence (output blocks below it get the same).
        public var indent: Int
    }

    public enum Part: Equatable {
        case prose([String])
        case cell(Cell)
    }

    public var parts: [Part]
    /// The folder name prefix of this notebook's pictures (`NAME.files`).
    public let stem: String
    /// `"\n"`, or `"\r\n"` for a file written with CRLF line endings (kept when rewriting).
    public var lineEnding = "\n"
    /// Whether the file ended with a line ending (an empty notebook counts as ending with one).
    public var endsWithNewline = true
    /// The notebook's `<!-- distill: tolerance=... -->` setting, if any.
    public var tolerance: OutputComparison.Tolerance?
    /// Things that look like dd cells but are not run, and unclosed fences, as `line N: ...`.
    public var warnings: [String] = []
    /// Settings that cannot be understood (a bad `tolerance=`), as `line N: ...`.
    public var errors: [String] = []

    public init(parts: [Part], stem: String) {
        self.parts = parts
        self.stem = stem
    }

    public var cells: [Cell] {
        parts.compactMap { if case .cell(let c) = $0 { return c } else { return nil } }
    }

    /// Splits Markdown into prose and cells; output blocks (a `text` fence) and picture links
    /// into `STEM.files/` right after a cell belong to that cell.
    public static func parse(_ markdown: String, stem: String) -> NotebookDocument {
        var doc = NotebookDocument(parts: [], stem: stem)
        // Swift treats "\r\n" as one Character: look at scalars.
        let scalars = markdown.unicodeScalars
        if let firstNewline = scalars.firstIndex(of: "\n"), firstNewline > scalars.startIndex,
           scalars[scalars.index(before: firstNewline)] == "\r" {
            doc.lineEnding = "\r\n"
        }
        var lines = markdown.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { scalars -> String in
            var s = String(String.UnicodeScalarView(scalars))
            if s.unicodeScalars.last == "\r" { s.unicodeScalars.removeLast() }
            return s
        }
        if lines.last == "" { lines.removeLast() } else if !markdown.isEmpty { doc.endsWithNewline = false }
        var prose: [String] = []
        var i = 0
        func flush() { if !prose.isEmpty { doc.parts.append(.prose(prose)); prose = [] } }
        func warn(_ line: Int, _ text: String) { doc.warnings.append("line \(line + 1): \(text)") }
        while i < lines.count {
            guard let fence = MarkdownFence(opening: lines[i]) else {
                if let reason = MarkdownFence.notACell(lines[i]) { warn(i, reason) }
                if let setting = MarkdownFence.commentSetting(lines[i]) {
                    switch OutputComparison.Tolerance.parse(setting) {
                    case .success(let t): doc.tolerance = t
                    case .failure(let message): doc.errors.append("line \(i + 1): \(message)")
                    }
                }
                prose.append(lines[i]); i += 1; continue
            }
            var j = i + 1
            while j < lines.count, !fence.isClosed(by: lines[j]) { j += 1 }
            let closed = j < lines.count
            guard fence.language == "dd" else {
                // Another fenced block (maybe quoting a dd cell as an example): prose, verbatim.
                if fence.language != "dd", fence.mentionsDD { warn(i, "a fence with info string '\(fence.info)' is not a dd cell (a cell's info string starts with the word dd), so it is not run") }
                if !closed, lines[(i + 1)...].contains(where: { MarkdownFence(opening: $0)?.language == "dd" }) {
                    warn(i, "this fence is never closed, so the rest of the file is inside it and no later cell is run")
                }
                prose.append(contentsOf: lines[i..<min(j + 1, lines.count)])
                i = j + 1
                continue
            }
            if !closed { warn(i, "this dd cell's fence is never closed; the cell runs to the end of the file") }
            let raw = Array(lines[(i + 1)..<j])
            var cell = Cell(code: raw.map { fence.stripIndent($0) }.joined(separator: "\n"), firstLine: i + 2, output: nil, images: [])
            cell.written = Written(opening: lines[i], lines: raw, closing: closed ? lines[j] : nil, indent: fence.indent)
            switch fence.tolerance {
            case .success(let t): cell.tolerance = t
            case .failure(let message): doc.errors.append("line \(i + 1): \(message)")
            }
            j = min(j + 1, lines.count)
            // An output block after optional blank lines.
            var k = j
            while k < lines.count, lines[k].trimmingCharacters(in: .whitespaces).isEmpty { k += 1 }
            if k < lines.count, let outFence = MarkdownFence(opening: lines[k]), outFence.language == "text" {
                var m = k + 1
                while m < lines.count, !outFence.isClosed(by: lines[m]) { m += 1 }
                if m < lines.count {
                    cell.output = lines[(k + 1)..<m].map { outFence.stripIndent($0) }.joined(separator: "\n")
                    j = m + 1
                }
            }
            // Picture links after optional blank lines.
            k = j
            while k < lines.count, lines[k].trimmingCharacters(in: .whitespaces).isEmpty { k += 1 }
            var images: [String] = []
            while k < lines.count, isPictureLink(lines[k], stem: stem) { images.append(lines[k]); k += 1 }
            if !images.isEmpty { cell.images = images; j = k }
            flush()
            doc.parts.append(.cell(cell))
            i = j
        }
        flush()
        return doc
    }

    /// Writes the notebook back as Markdown: prose and cells exactly as they were written,
    /// outputs and picture links in fences that parse back to the same text.
    public func render() -> String {
        var out: [String] = []
        for part in parts {
            switch part {
            case .prose(let lines): out.append(contentsOf: lines)
            case .cell(let cell):
                let pad = String(repeating: " ", count: cell.written?.indent ?? 0)
                if let written = cell.written {
                    out.append(written.opening)
                    out.append(contentsOf: written.lines)
                    if let closing = written.closing {
                        out.append(closing)
                    } else if cell.output != nil || !cell.images.isEmpty, let fence = MarkdownFence(opening: written.opening) {
                        // The output must not end up inside the cell: the fence gets closed.
                        out.append(pad + String(repeating: fence.character, count: fence.length))
                    }
                } else {
                    let fence = NotebookDocument.fence(for: cell.code)
                    out.append(fence + "dd")
                    out.append(contentsOf: cell.code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
                    out.append(fence)
                }
                if let output = cell.output {
                    let f = pad + NotebookDocument.fence(for: output)
                    out.append("")
                    out.append(f + "text")
                    out.append(contentsOf: output.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 })
                    out.append(f)
                }
                if !cell.images.isEmpty {
                    out.append("")
                    out.append(contentsOf: cell.images)
                }
            }
        }
        if out.isEmpty { return "" }
        return out.joined(separator: lineEnding) + (endsWithNewline ? lineEnding : "")
    }

    /// A backtick fence longer than any backtick run that could close it inside `text`.
    static func fence(for text: String) -> String {
        var longest = 0
        for line in text.split(separator: "\n") {
            let body = line.drop { $0 == " " }
            longest = max(longest, body.prefix { $0 == "`" }.count)
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    static func isPictureLink(_ line: String, stem: String) -> Bool {
        let body = line.drop { $0 == " " }
        return body.hasPrefix("![") && body.contains("](\(stem).files/") && body.hasSuffix(")")
    }
}
