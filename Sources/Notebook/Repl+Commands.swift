// The REPL's meta-commands (`:help`, `:vars`, `:history`, `:save`, `:load`, `:export`,
// `:time`, `:quit`): they act on the session, not on the language.
import Foundation
import Persistence
import Script

extension Repl {
    struct MetaCommand {
        let name: String
        let usage: String
        let help: String
    }

    static let metaCommands = [
        MetaCommand(name: "help", usage: ":help", help: "this list (help() lists the builtins)"),
        MetaCommand(name: "vars", usage: ":vars", help: "the session's variables"),
        MetaCommand(name: "history", usage: ":history", help: "the cells run so far"),
        MetaCommand(name: "save", usage: ":save PATH", help: "save variables, seed and history to a file"),
        MetaCommand(name: "load", usage: ":load PATH", help: "load a saved session"),
        MetaCommand(name: "export", usage: ":export PATH.md", help: "write the cells and outputs as a notebook"),
        MetaCommand(name: "time", usage: ":time on|off", help: "show the wall time of each cell"),
        MetaCommand(name: "quit", usage: ":quit", help: "leave (also Ctrl-D)"),
    ]

    enum CommandResult { case done, quit }

    func command(_ line: String) -> CommandResult {
        let words = line.dropFirst().split(separator: " ", maxSplits: 1).map(String.init)
        let name = words.first ?? ""
        let argument = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : ""
        switch name {
        case "quit", "q", "exit":
            return .quit
        case "help":
            let width = Repl.metaCommands.map(\.usage.count).max() ?? 0
            output.write(Repl.metaCommands.map {
                "  " + $0.usage.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.help
            }.joined(separator: "\n") + "\n")
        case "vars":
            if let vars = session.registry.lookup("vars") { _ = try? session.call(.function(vars), []) }
        case "history":
            for (i, cell) in cells.enumerated() {
                let lines = cell.code.split(separator: "\n", omittingEmptySubsequences: false)
                output.write("[\(i + 1)] " + lines.joined(separator: "\n    ") + "\n")
            }
        case "save", "load":
            // The session library registers save(path) and load(path); until then, say so.
            guard let builtin = session.registry.lookup(name) else {
                runner.errors.write(":\(name) is not available yet: saving and loading sessions arrive with the session library (see docs/repl.md)\n")
                break
            }
            guard !argument.isEmpty else { runner.errors.write("usage: :\(name) PATH\n"); break }
            do {
                let result = try session.call(.function(builtin), [.string(argument)])
                if case .none = result {
                    output.write(name == "save" ? "saved \(argument)\n" : "loaded \(argument) (\(session.globals.localNames.count) variables, \(cells.count) cells)\n")
                } else {
                    output.write(result.description + "\n")
                }
            } catch {
                runner.errors.write(":\(name): \(error)\n")
            }
        case "export":
            guard !argument.isEmpty else { runner.errors.write("usage: :export PATH.md\n"); break }
            do {
                try AtomicWriter().write(Array(exportNotebook().utf8), to: argument, what: "notebook")
                output.write("wrote \(argument) (\(cells.count) cells)\n")
            } catch {
                runner.errors.write(":export: \(error)\n")
            }
        case "time":
            switch argument {
            case "on": showsTime = true
            case "off": showsTime = false
            default: runner.errors.write("usage: :time on|off\n")
            }
        default:
            var message = "unknown command ':\(name)'"
            if let guess = Suggestions.closest(to: name, among: Repl.metaCommands.map(\.name)) { message += "; did you mean ':\(guess)'?" }
            runner.errors.write(message + " (:help lists the commands)\n")
        }
        return .done
    }

    /// The session so far as a notebook: one cell per command, with its output.
    public func exportNotebook() -> String {
        var parts: [NotebookDocument.Part] = [.prose(["# Distillery session", ""])]
        for (i, cell) in cells.enumerated() {
            var out = cell.output
            if out.hasSuffix("\n") { out.removeLast() }
            parts.append(.cell(.init(code: cell.code, firstLine: 0, output: out.isEmpty ? nil : out, images: [])))
            if i < cells.count - 1 { parts.append(.prose([""])) }
        }
        return NotebookDocument(parts: parts, stem: "session").render()
    }
}
