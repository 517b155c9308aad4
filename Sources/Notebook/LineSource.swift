// Where the REPL's lines come from: GNU readline on a terminal (editing, history,
// completion), plain standard input otherwise (no prompts), or a list of lines in tests.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CReadline
import Foundation

/// A source of input lines for the REPL.
public protocol LineSource: AnyObject {
    /// The next line without its newline, or nil at end of input. `prompt` may be ignored.
    func readLine(prompt: String) -> String?
    /// Remembers a finished cell (line editors add it to their history).
    func remember(_ cell: String)
    /// Whether prompts and banners are shown.
    var isInteractive: Bool { get }
}

/// Reads standard input line by line without prompts (pipes, tests, CI).
public final class StreamLineSource: LineSource {
    public init() {}
    public func readLine(prompt: String) -> String? { Swift.readLine(strippingNewline: true) }
    public func remember(_ cell: String) {}
    public var isInteractive: Bool { false }
}

/// Lines given up front (tests).
public final class ArrayLineSource: LineSource {
    var lines: [String]
    public init(_ lines: [String]) { self.lines = lines }
    public func readLine(prompt: String) -> String? { lines.isEmpty ? nil : lines.removeFirst() }
    public func remember(_ cell: String) {}
    public var isInteractive: Bool { false }
}

/// GNU readline: line editing, persistent history and tab completion.
public final class ReadlineSource: LineSource {
    let historyPath: String
    /// Completion asks this for candidates; readline's C callbacks reach it through `current`.
    let complete: (_ word: String, _ before: String) -> [String]
    nonisolated(unsafe) static var current: ReadlineSource?
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var matchIndex = 0
    /// Kept alive for readline, which keeps the pointer.
    nonisolated(unsafe) static let wordBreaks = strdup(" \t\n\"'`@$><=;|&{(,[]+-*/%")

    public init(historyPath: String, complete: @escaping (_ word: String, _ before: String) -> [String]) {
        self.historyPath = historyPath
        self.complete = complete
        ReadlineSource.current = self
        rl_readline_name = UnsafePointer(strdup("distill"))
        rl_completer_word_break_characters = UnsafePointer(ReadlineSource.wordBreaks)
        rl_attempted_completion_function = { text, start, _ in
            // Do not fall back to file-name completion.
            rl_attempted_completion_over = 1
            guard let text, let me = ReadlineSource.current else { return nil }
            let word = String(cString: text)
            let line = rl_line_buffer.map { String(cString: $0) } ?? ""
            let before = String(line.unicodeScalars.prefix(Int(start)))
            ReadlineSource.matches = me.complete(word, before)
            ReadlineSource.matchIndex = 0
            // Readline appends a space to a unique match: not after `print(`, `sep=` or `data.`.
            if ReadlineSource.matches.contains(where: { $0.hasSuffix("(") || $0.hasSuffix("=") || $0.hasSuffix(".") }) {
                rl_completion_append_character = 0
            }
            return rl_completion_matches(text) { _, state in
                if state == 0 { ReadlineSource.matchIndex = 0 }
                guard ReadlineSource.matchIndex < ReadlineSource.matches.count else { return nil }
                defer { ReadlineSource.matchIndex += 1 }
                return strdup(ReadlineSource.matches[ReadlineSource.matchIndex])
            }
        }
        stifle_history(2000)
        _ = read_history(historyPath)
    }

    public func readLine(prompt: String) -> String? {
        InterruptHandler.atPrompt = 1
        defer { InterruptHandler.atPrompt = 0 }
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        return String(cString: raw)
    }

    public func remember(_ cell: String) {
        guard !cell.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        add_history(cell)
        _ = write_history(historyPath)
    }

    public var isInteractive: Bool { true }

    /// `DISTILL_HISTORY`, or `~/.distill_history`.
    public static func defaultHistoryPath() -> String {
        if let path = ProcessInfo.processInfo.environment["DISTILL_HISTORY"], !path.isEmpty { return path }
        return (ProcessInfo.processInfo.environment["HOME"] ?? ".") + "/.distill_history"
    }
}
