// Laying out help text for a terminal: paragraphs and "- " lists wrapped under a width, long
// signatures broken after commas. The text itself lives with each builtin; docs/builtins.md
// shows the same text as Markdown, which these conventions already are.

/// Wraps help text written as paragraphs (separated by blank lines) and "- " list items.
///
///     HelpText.wrap("Methods:\n- \"dm\": distribution matching ...", width: 40)
public enum HelpText {
    /// Help lines stay under this many columns.
    public static let width = 96

    /// The text with each paragraph and list item filled to `width` columns; a list item's
    /// continuation lines are indented under its text. Source line breaks inside a paragraph
    /// or an item do not matter; blank lines and "- " starts do.
    public static func wrap(_ text: String, width: Int = width) -> String {
        var lines: [String] = []
        for (b, block) in blocks(text).enumerated() {
            if b > 0 { lines.append("") }
            for item in block {
                lines += fill(item.text, first: item.bullet ? "- " : "", rest: item.bullet ? "  " : "", width: width)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Paragraphs, each a list of items: plain text or "- " entries.
    static func blocks(_ text: String) -> [[(bullet: Bool, text: String)]] {
        var blocks: [[(bullet: Bool, text: String)]] = []
        var current: [(bullet: Bool, text: String)] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.drop { $0 == " " }
            if line.isEmpty {
                if !current.isEmpty { blocks.append(current); current = [] }
            } else if line.hasPrefix("- ") {
                current.append((true, String(line.dropFirst(2))))
            } else if let last = current.indices.last {
                current[last].text += " " + line
            } else {
                current.append((false, String(line)))
            }
        }
        if !current.isEmpty { blocks.append(current) }
        return blocks
    }

    /// Words of `text` filled into lines of at most `width` columns (a longer word gets a line
    /// of its own), the first line starting with `first`, the others with `rest`.
    static func fill(_ text: String, first: String, rest: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = first, count = first.count, empty = true
        for word in text.split(separator: " ") {
            if !empty, count + 1 + word.count > width {
                lines.append(line)
                line = rest; count = rest.count; empty = true
            }
            if !empty { line += " "; count += 1 }
            line += word; count += word.count; empty = false
        }
        if !empty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// A signature such as `distill(data, method="dm", ...)` followed by `suffix`, broken after
    /// commas when longer than `width`, continuation lines aligned after the opening bracket.
    public static func signature(_ signature: String, suffix: String, width: Int = width) -> String {
        if signature.count + suffix.count <= width { return signature + suffix }
        guard let open = signature.firstIndex(of: "(") else { return signature + suffix }
        let indent = String(repeating: " ", count: signature.distance(from: signature.startIndex, to: open) + 1)
        // Split at ", " outside quotes (a default string may hold a comma).
        var parts: [String] = []
        var part = "", quoted = false, previous: Character = " "
        for c in signature {
            if c == "\"", previous != "\\" { quoted.toggle() }
            if c == " ", previous == ",", !quoted { parts.append(part); part = "" } else { part.append(c) }
            previous = c
        }
        parts.append(part + suffix)
        var lines: [String] = []
        var line = ""
        for p in parts {
            if !line.isEmpty, line.count + 1 + p.count > width {
                lines.append(line)
                line = indent + p
            } else {
                line += line.isEmpty ? p : " " + p
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}
