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

    func rendered(quoted: Bool, depth: Int) -> String {
        switch self {
        case .number(let x): return Value.format(x)
        case .string(let s): return quoted ? Value.quote(s) : s
        case .bool(let b): return b ? "true" : "false"
        case .none: return "none"
        case .list(let items):
            if depth >= Value.maxPrintDepth { return "[...]" }
            return "[" + items.map { $0.rendered(quoted: true, depth: depth + 1) }.joined(separator: ", ") + "]"
        case .function(let f): return f.summary
        case .host(let object): return object.summary
        }
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
