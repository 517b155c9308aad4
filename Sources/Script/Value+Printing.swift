// How values print: `print` shows strings raw, the REPL echo and lists show them quoted.
// Numbers print as integers when they are whole, otherwise in shortest round-trip form.

extension Value: CustomStringConvertible {
    /// The echo form: strings quoted, host objects by their summary.
    public var description: String { rendered(quoted: true, depth: 0) }

    /// The `print` form: strings as they are, everything else as `description`.
    public var text: String { rendered(quoted: false, depth: 0) }

    /// Lists nested deeper than this print as `[...]`; no list can be (see `nestedList`), so a
    /// list always prints whole.
    static let maxPrintDepth = maxListDepth

    /// A list's text stops after about this many bytes (1 MB), with a note of the items left out:
    /// `x = [x, x]` sixty times shares its parts, but would print 2^60 of them.
    public static let maxPrintedLength = 1 << 20

    func rendered(quoted: Bool, depth: Int) -> String {
        guard case .list = self else { return leafText(quoted: quoted) }
        var out = ""
        render(into: &out, depth: depth)
        return out
    }

    private func leafText(quoted: Bool) -> String {
        switch self {
        case .number(let x): return Value.format(x)
        case .string(let s): return quoted ? Value.quote(s) : s
        case .bool(let b): return b ? "true" : "false"
        case .none: return "none"
        case .list: return rendered(quoted: quoted, depth: 0)
        case .function(let f): return f.summary
        case .host(let object): return object.summary
        }
    }

    /// Appends the echo form to `out`, stopping once `out` is longer than `maxPrintedLength`.
    private func render(into out: inout String, depth: Int) {
        guard case .list(let items) = self else { out += leafText(quoted: true); return }
        if depth >= Value.maxPrintDepth { out += "[...]"; return }
        out += "["
        for (i, item) in items.enumerated() {
            if i > 0 { out += ", " }
            if out.utf8.count > Value.maxPrintedLength {
                out += "... (\(items.count - i) more)"
                break
            }
            item.render(into: &out, depth: depth + 1)
        }
        out += "]"
    }

    /// Formats a number: `3`, `-0.25`, `1e+20`, `nan`, `inf`.
    public static func format(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x.rounded() == x, abs(x) < 1e16 { return String(Int(x)) }
        return String(x)
    }

    /// A string literal that reads back as the same string.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}
