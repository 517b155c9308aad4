// A notebook as Markdown: prose kept verbatim, ```dd cells, and for each cell the output
// block and picture links a previous run wrote (recognised so re-running replaces them).
import Foundation

/// A parsed notebook: an alternation of prose and cells.
///
///     let doc = NotebookDocument.parse(markdown, stem: "quickstart")
///     doc.cells.first?.code     // the first cell's source
public struct NotebookDocument: Equatable {
    /// A ```dd cell with what the last run wrote below it.
    public struct Cell: Equatable {
        public var code: String
        /// Line number (in the file) of the cell's first code line.
        public var firstLine: Int
        /// The text of the output block below the cell, nil when there is none.
        public var output: String?
        /// Picture links below the output, as written (`![caption](stem.files/x.png)`).
        public var images: [String]
    }

    public enum Part: Equatable {
        case prose([String])
        case cell(Cell)
    }

    public var parts: [Part]
    /// The folder name prefix of this notebook's pictures (`NAME.files`).
    public let stem: String

    public var cells: [Cell] {
        parts.compactMap { if case .cell(let c) = $0 { return c } else { return nil } }
    }

    /// Splits Markdown into prose and cells; output blocks (```text) and picture links into
    /// `STEM.files/` right after a cell belong to that cell.
    public static func parse(_ markdown: String, stem: String) -> NotebookDocument {
        var lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var parts: [Part] = []
        var prose: [String] = []
        var i = 0
        func flush() { if !prose.isEmpty { parts.append(.prose(prose)); prose = [] } }
        while i < lines.count {
            guard let fence = openingFence(lines[i], info: "dd") else { prose.append(lines[i]); i += 1; continue }
            var j = i + 1
            var code: [String] = []
            while j < lines.count, !isClosing(lines[j], fence) { code.append(lines[j]); j += 1 }
            guard j < lines.count else { prose.append(contentsOf: lines[i...]); break }  // unclosed: leave as prose
            var cell = Cell(code: code.joined(separator: "\n"), firstLine: i + 2, output: nil, images: [])
            j += 1
            // An output block after optional blank lines.
            var k = j
            while k < lines.count, lines[k].trimmingCharacters(in: .whitespaces).isEmpty { k += 1 }
            if k < lines.count, let outFence = openingFence(lines[k], info: "text") {
                var m = k + 1
                var out: [String] = []
                while m < lines.count, !isClosing(lines[m], outFence) { out.append(lines[m]); m += 1 }
                if m < lines.count {
                    cell.output = out.joined(separator: "\n")
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
            parts.append(.cell(cell))
            i = j
        }
        flush()
        return NotebookDocument(parts: parts, stem: stem)
    }

    /// Writes the notebook back as Markdown.
    public func render() -> String {
        var out: [String] = []
        for part in parts {
            switch part {
            case .prose(let lines): out.append(contentsOf: lines)
            case .cell(let cell):
                let fence = NotebookDocument.fence(for: cell.code)
                out.append(fence + "dd")
                out.append(contentsOf: cell.code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
                out.append(fence)
                if let output = cell.output {
                    let f = NotebookDocument.fence(for: output)
                    out.append("")
                    out.append(f + "text")
                    out.append(contentsOf: output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
                    out.append(f)
                }
                if !cell.images.isEmpty {
                    out.append("")
                    out.append(contentsOf: cell.images)
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// A backtick fence longer than any backtick run at the start of a line of `text`.
    static func fence(for text: String) -> String {
        var longest = 0
        for line in text.split(separator: "\n") {
            longest = max(longest, line.prefix { $0 == "`" }.count)
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    static func openingFence(_ line: String, info: String) -> String? {
        let ticks = line.prefix { $0 == "`" }
        guard ticks.count >= 3 else { return nil }
        let rest = line.dropFirst(ticks.count).trimmingCharacters(in: .whitespaces)
        return rest == info ? String(ticks) : nil
    }

    static func isClosing(_ line: String, _ fence: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count >= fence.count && trimmed.allSatisfy { $0 == "`" }
    }

    static func isPictureLink(_ line: String, stem: String) -> Bool {
        line.hasPrefix("![") && line.contains("](\(stem).files/") && line.hasSuffix(")")
    }
}

