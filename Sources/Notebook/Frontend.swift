// The front ends the executable offers, each returning an exit status: the REPL, batch
// scripts (file, standard input, one-liner) and notebooks. Sessions are set up here.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Bindings
import Cluster
import Foundation
import Persistence
import Script
import TensorCore

/// Entry points for `distill`.
public enum Frontend {
    /// A standard session wired to Ctrl-C and to a progress display on standard error.
    public static func makeSession() -> Session {
        let session = Session.standard()
        if World.shared.rank > 0 {
            session.progress = SilentProgress()
        } else {
            session.progress = isatty(STDERR_FILENO) != 0 ? TerminalProgress() : PlainProgress()
        }
        session.interruptRequested = { Interrupt.isRequested }
        session.clearInterrupt = { InterruptHandler.beginCommand() }
        // Batch too: the first Ctrl-C stops a script at its next statement (a long operation
        // first returns what it made), so a plain loop cannot outlive it.
        session.stopsAtStatementOnInterrupt = true
        InterruptHandler.install()
        return session
    }

    /// `distill` with no arguments: readline on a terminal, prompt-less lines otherwise.
    public static func repl(sessionPath: String? = nil) -> Int32 {
        if let refused = refuseInteractive() { return refused }
        let session = makeSession()
        var file: SessionFile?
        if let sessionPath {
            file = SessionFile(path: sessionPath, session: session, errors: StandardError())
            guard file!.open() else { return ExitStatus.noInput }
        }
        let completer = Completer(session: session)
        let input: LineSource = isatty(STDIN_FILENO) != 0
            ? ReadlineSource(historyPath: ReadlineSource.defaultHistoryPath()) { completer.candidates(word: $0, before: $1) }
            : StreamLineSource()
        let repl = Repl(session: session, input: input)
        repl.sessionFile = file
        return withSessionSaved(file, status: repl.run())
    }

    /// `status`, or 70 when the session file does not hold the final state (a save failed
    /// and a last try fails too), so a script or CI notices that work was not kept.
    static func withSessionSaved(_ file: SessionFile?, status: Int32) -> Int32 {
        guard let file else { return status }
        file.saveIfChanged()
        guard !file.isSaved else { return status }
        StandardError().write("distill: exiting with status \(ExitStatus.runtime): the session file '\(file.path)' does not hold this session's last state\n")
        return status == ExitStatus.ok ? ExitStatus.runtime : status
    }

    /// `distill run FILE [--set name=value ...]`; `FILE` may be `-` for standard input.
    public static func runFile(_ path: String, sets: [String], sessionPath: String? = nil) -> Int32 {
        let errors = StandardError()
        let text: String
        if path == "-" {
            text = readAll()
        } else {
            guard let t = try? String(contentsOfFile: path, encoding: .utf8) else {
                let why = FileManager.default.fileExists(atPath: path) ? "not readable as UTF-8 text" : "no such file"
                errors.write("distill: cannot open '\(path)' (\(why))\n")
                return ExitStatus.noInput
            }
            text = t
        }
        return runBatch(SourceText(name: path == "-" ? "<stdin>" : path, text: text), sets: sets, echo: false, sessionPath: sessionPath,
                        fromStandardInput: path == "-")
    }

    /// `distill -e 'CODE'`: runs one line, echoing values like the REPL.
    public static func runCode(_ code: String, sets: [String] = [], sessionPath: String? = nil,
                               writer: AtomicWriter = AtomicWriter()) -> Int32 {
        runBatch(SourceText(name: "<-e>", text: code), sets: sets, echo: true, sessionPath: sessionPath, writer: writer)
    }

    /// `distill notebook FILE [--check] [--out OUT]`.
    public static func notebook(_ path: String, check: Bool, out: String?) -> Int32 {
        if World.shared.size > 1 {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            guard (try? agreeOnProgram(text, sets: [check ? "--check" : "", out ?? ""], fromStandardInput: false)) != nil else {
                return ExitStatus.usage
            }
        }
        return NotebookRunner(session: makeSession()).runFile(path, check: check, outPath: out)
    }

    /// `distill --builtins-markdown`: the reference page of every builtin.
    public static func builtinsMarkdown() -> String {
        BuiltinRegistry.standard().markdown()
    }

    /// `writer` is how the session file is written (tests inject faults).
    static func runBatch(_ source: SourceText, sets: [String], echo: Bool, sessionPath: String? = nil,
                         writer: AtomicWriter = AtomicWriter(), fromStandardInput: Bool = false) -> Int32 {
        var source = source
        if World.shared.size > 1 {
            do {
                guard let text = try agreeOnProgram(source.text, sets: sets, fromStandardInput: fromStandardInput) else { return ExitStatus.usage }
                source = SourceText(name: source.name, text: text)
            } catch {
                StandardError().write("distill: the ranks cannot exchange the program: \(error)\n")
                return ExitStatus.runtime
            }
        }
        let session = makeSession()
        session.echoesExpressions = echo
        let errors = StandardError()
        var file: SessionFile?
        if let sessionPath {
            file = SessionFile(path: sessionPath, session: session, errors: errors)
            guard file!.open() else { return ExitStatus.noInput }
            file!.writer = writer
        }
        for assignment in sets {
            guard let (name, value) = parseSet(assignment) else {
                errors.write("distill: bad --set '\(assignment)' (expected name=value, e.g. --set ipc=10 or --set method=\"dm\")\n")
                return ExitStatus.usage
            }
            session.globals.set(name, value)
        }
        let outcome = CommandRunner(session: session, errors: errors).run(source)
        if file != nil { session.history.append(Session.Cell(code: source.text, output: "")) }
        if outcome == .interrupted { errors.write("distill: interrupted\n") }
        return withSessionSaved(file, status: outcome.status)
    }

    /// `name=value`: the value is a literal (`10`, `1e-3`, `"dm"`, `[1, 2]`, `true`) or else a string.
    public static func parseSet(_ text: String) -> (String, Value)? {
        guard let eq = text.firstIndex(of: "=") else { return nil }
        let name = String(text[..<eq]).trimmingCharacters(in: .whitespaces)
        let raw = String(text[text.index(after: eq)...])
        guard Value.isValidName(name) else { return nil }
        return (name, Value.parseLiteral(raw) ?? .string(raw))
    }

    static func readAll() -> String {
        var lines: [String] = []
        while let line = readLine(strippingNewline: false) { lines.append(line) }
        return lines.joined()
    }
}
