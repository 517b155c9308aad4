// The interactive loop: numbered cells (`dd[n]>`), continuation lines while a block or bracket
// is open, echo of values, meta-commands (Repl+Commands.swift) and the cells kept for :export.
import Bindings
import Foundation
import Script

/// The read-eval-print loop over any line source.
public final class Repl {
    public let session: Session
    let runner: CommandRunner
    let input: LineSource
    /// Where printed output and echoes go (standard output, or a transcript in tests).
    let output: OutputWriter
    /// The cells run so far, with what they printed (for :history and :export); kept in the
    /// session so that session files save them and loading one brings them back.
    public var cells: [(code: String, output: String)] { session.history.map { ($0.code, $0.output) } }
    var showsTime = false
    /// With `distill --session`, the file saved after every cell that changed state.
    public var sessionFile: SessionFile?
    var cellOutput = ""

    /// Output that also keeps a copy for the current cell.
    final class Recorder: OutputWriter {
        let target: OutputWriter
        unowned let repl: Repl
        init(_ target: OutputWriter, _ repl: Repl) { self.target = target; self.repl = repl }
        func write(_ text: String) { repl.cellOutput += text; target.write(text) }
    }

    public init(session: Session, input: LineSource, output: OutputWriter = StandardOutput(),
                errors: OutputWriter = StandardError()) {
        self.session = session
        self.input = input
        self.output = output
        self.runner = CommandRunner(session: session, errors: errors)
        session.echoesExpressions = true
        session.stopsAtStatementOnInterrupt = true
        session.output = Recorder(output, self)
        runner.errors = Recorder(errors, self)
    }

    /// Runs until end of input or `:quit`; returns the exit status (0).
    public func run() -> Int32 {
        if input.isInteractive {
            output.write("Distillery \(Repl.version): help() lists builtins, :help the commands, :quit leaves.\n")
        }
        var pending: [String] = []
        while true {
            let number = cells.count + 1
            let prompt = pending.isEmpty ? "dd[\(number)]> " : String(repeating: " ", count: "dd[\(number)]".count - 3) + "...> "
            guard let line = input.readLine(prompt: prompt) else {
                if !pending.isEmpty { finish(pending.joined(separator: "\n"), number, final: true) }
                if input.isInteractive { output.write("\n") }
                return ExitStatus.ok
            }
            if InterruptHandler.takeClearedAtPrompt() { pending = [] }
            if pending.isEmpty {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                if trimmed.hasPrefix(":") {
                    if command(trimmed) == .quit { return ExitStatus.ok }
                    continue
                }
            }
            pending.append(line)
            if finish(pending.joined(separator: "\n"), number, final: false) { pending = [] }
        }
    }

    /// Runs a cell; returns false when it is incomplete and more lines are needed.
    @discardableResult
    func finish(_ code: String, _ number: Int, final: Bool) -> Bool {
        session.clearInterrupt()
        cellOutput = ""
        let start = DispatchTime.now().uptimeNanoseconds
        // Into the line editor's history before it runs: a double Ctrl-C quits at once.
        let outcome = runner.run(SourceText(name: "dd[\(number)]", text: code), allowIncomplete: !final) { input.remember(code) }
        if outcome == .incomplete { return false }
        if outcome == .interrupted { runner.errors.write("(interrupted; the prompt is back, variables keep what was done)\n") }
        if showsTime {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            session.output.write("time: \(Volatile.mark(String(format: "%.4f s", seconds)))\n")
        }
        session.history.append(Session.Cell(code: code, output: cellOutput))
        sessionFile?.saveIfChanged()
        session.clearInterrupt()
        return true
    }

    public static let version = DataLibrary.version
}
