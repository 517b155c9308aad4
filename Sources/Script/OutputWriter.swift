// Where a session's printed output goes: standard output for front ends, a buffer for
// notebooks and tests. Errors are not written here; front ends decide where they go.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Receives everything a script prints.
public protocol OutputWriter: AnyObject {
    func write(_ text: String)
}

/// Writes to the process's standard output and flushes, so output interleaves with progress.
public final class StandardOutput: OutputWriter {
    public init() {}
    public func write(_ text: String) {
        fputs(text, stdout)
        fflush(stdout)
    }
}

/// Collects output in memory (notebook cells, tests).
public final class OutputBuffer: OutputWriter {
    public private(set) var text = ""
    public init() {}
    public func write(_ text: String) { self.text += text }
    /// Returns what was written so far and empties the buffer.
    public func take() -> String {
        defer { text = "" }
        return text
    }
}

/// Marks numbers that change from run to run (timings) so notebook `--check` ignores them:
/// a volatile figure prints with a leading `~`, e.g. `time: ~0.012 s`.
public enum Volatile {
    /// `~TEXT`.
    public static func mark(_ text: String) -> String { "~" + text }

    /// Replaces every `~NUMBER` by `~#` so two runs compare equal where only timings differ.
    public static func normalise(_ text: String) -> String {
        var out = ""
        var chars = Substring(text)
        while let i = chars.firstIndex(of: "~") {
            out += chars[..<i]
            out += "~"
            var j = chars.index(after: i)
            let numberStart = j
            while j < chars.endIndex, chars[j].isNumber || ".:eE+-".contains(chars[j]) { j = chars.index(after: j) }
            if j > numberStart { out += "#" }
            chars = chars[j...]
        }
        return out + chars
    }
}
