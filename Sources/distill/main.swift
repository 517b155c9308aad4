// The distill executable: argument parsing and exit codes only; the work is in Notebook.
import ArgumentParser

struct Distill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Distillery: a notebook-style REPL for dataset distillation.",
        version: "0.1.0")
    func run() throws {
        print("Distillery 0.1.0")
    }
}

Distill.main()
