// CommonMark's fenced code blocks, as far as notebooks need them: an opening fence (up to 3
// spaces, 3 or more backticks or tildes, an info string), the closing fence that ends it, and
// the lines that look like a dd cell but are not one. Containers (lists, quotes) are not parsed.

/// One opening code fence.
///
///     MarkdownFence(opening: "~~~~dd tolerance=2%")?.language   // "dd"
struct MarkdownFence {
    /// Spaces before the fence (0 to 3).
    let indent: Int
    /// "`" or "~".
    let character: Character
    let length: Int
    /// The info string, trimmed.
    let info: String

    /// Parses `line` as an opening fence; nil when it is not one.
    init?(opening line: String) {
        let indent = line.prefix { $0 == " " }.count
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        guard let c = rest.first, c == "`" || c == "~" else { return nil }
        let length = rest.prefix { $0 == c }.count
        guard length >= 3 else { return nil }
        let info = rest.dropFirst(length).trimmingCharacters(in: .whitespaces)
        // A backtick fence's info string may not contain backticks (that is inline code).
        if c == "`", info.contains("`") { return nil }
        self.indent = indent
        self.character = c
        self.length = length
        self.info = info
    }

    /// The info string's first word (up to a space or `{`): `dd` for `dd {.x}` and `dd title=a`.
    var language: String {
        String(info.prefix { !$0.isWhitespace && $0 != "{" })
    }

    /// The attributes after the language: `key=value` words, also inside `{...}`.
    var attributes: [(key: String, value: String)] {
        let rest = info.dropFirst(language.count)
        let words = rest.split { $0.isWhitespace || $0 == "{" || $0 == "}" }
        return words.compactMap { word in
            guard let eq = word.firstIndex(of: "=") else { return nil }
            var value = String(word[word.index(after: eq)...])
            if value.count >= 2, value.first == "\"" || value.first == "'", value.last == value.first { value = String(value.dropFirst().dropLast()) }
            return (String(word[..<eq]), value)
        }
    }

    /// The `tolerance=` attribute: nil when absent.
    var tolerance: Result<OutputComparison.Tolerance?, OutputComparison.SettingError> {
        guard let value = attributes.last(where: { $0.key == "tolerance" })?.value else { return .success(nil) }
        return OutputComparison.Tolerance.parse("tolerance=" + value).map { $0 }
    }

    /// Whether the info string names dd in some other way (`DD`, `{.dd}`, `dd-cell`).
    var mentionsDD: Bool {
        info.lowercased().split { !$0.isLetter && !$0.isNumber }.contains("dd")
    }

    /// Whether `line` closes this fence: up to 3 spaces, at least `length` of the same
    /// character, then only spaces or tabs.
    func isClosed(by line: String) -> Bool {
        let indent = line.prefix { $0 == " " }.count
        guard indent <= 3 else { return false }
        let rest = line.dropFirst(indent)
        let run = rest.prefix { $0 == character }.count
        return run >= length && rest.dropFirst(run).allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// A content line without up to `indent` leading spaces (CommonMark's rule).
    func stripIndent(_ line: String) -> String {
        String(line.dropFirst(min(indent, line.prefix { $0 == " " }.count)))
    }

    /// Why a line that is not an opening fence still looks like a dd cell, or nil.
    static func notACell(_ line: String) -> String? {
        let body = line.drop { $0 == " " || $0 == "\t" }
        let leading = line[..<body.startIndex]
        if let fence = MarkdownFence(opening: String(body)), fence.language == "dd" || fence.mentionsDD {
            return "a dd fence indented by \(leading.contains("\t") ? "a tab" : "\(leading.count) spaces") is an indented code block in Markdown, not a cell (at most 3 spaces), so it is not run"
        }
        // A fence inside a block quote or list item.
        var inner = body
        var container = false
        while true {
            if inner.hasPrefix(">") { inner = inner.dropFirst().drop { $0 == " " }; container = true; continue }
            if let marker = inner.first, "-*+".contains(marker), inner.dropFirst().first == " " {
                inner = inner.dropFirst(2).drop { $0 == " " }; container = true; continue
            }
            let digits = inner.prefix { $0.isNumber }
            if !digits.isEmpty, digits.count <= 9, let after = inner.dropFirst(digits.count).first, after == "." || after == ")",
               inner.dropFirst(digits.count + 1).first == " " {
                inner = inner.dropFirst(digits.count + 2).drop { $0 == " " }; container = true; continue
            }
            break
        }
        if container, let fence = MarkdownFence(opening: String(inner)), fence.language == "dd" || fence.mentionsDD {
            return "a dd fence inside a block quote or list item is not a cell (cells start their line), so it is not run"
        }
        return nil
    }

    /// The settings of a `<!-- distill: ... -->` comment line (`tolerance=2%`), or nil.
    static func commentSetting(_ line: String) -> String? {
        let body = line.trimmingCharacters(in: .whitespaces)
        guard body.hasPrefix("<!--"), body.hasSuffix("-->") else { return nil }
        let inner = body.dropFirst(4).dropLast(3).trimmingCharacters(in: .whitespaces)
        guard inner.hasPrefix("distill:") else { return nil }
        let words = inner.dropFirst("distill:".count).split(separator: " ")
        return words.last { $0.hasPrefix("tolerance=") }.map(String.init)
    }
}
