// The distill executable: argument parsing and exit codes only; the work is in Notebook.
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Notebook
import TensorCore

struct Distill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Distillery: a notebook-style REPL for dataset distillation.",
        discussion: """
        With no arguments, starts the REPL (prompts and line editing on a terminal; commands \
        read from standard input without prompts otherwise). Type help() at the prompt for the \
        builtins; docs/ has the language, REPL and method references.

        Under mpirun every rank runs the same script or notebook (docs/scale-out.md); the \
        REPL needs one process.

        Exit codes: 0 ok, 1 notebook check failed, 64 usage, 65 syntax error, 66 input file \
        missing, 70 runtime error (or the --session file could not be saved), 130 interrupted.
        """,
        version: Repl.version,
        subcommands: [Run.self, NotebookCommand.self])

    // `.unconditionalSingleValue`: the code may start with a dash (`-e '-2 ** 0.5'`).
    @Option(name: .customShort("e"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Run CODE and exit, echoing values as the REPL does; several -e run in order, as lines of one program.", valueName: "CODE"))
    var code: [String] = []

    @OptionGroup var sessionFile: SessionOption

    @Flag(name: .customLong("builtins-markdown"), help: "Print the reference of every builtin as Markdown (docs/builtins.md).")
    var builtinsMarkdown = false

    func run() throws {
        if builtinsMarkdown {
            print(Frontend.builtinsMarkdown(), terminator: "")
            throw ExitCode(Frontend.finishRanks(0))
        }
        if !code.isEmpty { throw ExitCode(Frontend.finishRanks(Frontend.runCode(code.joined(separator: "\n"), sessionPath: sessionFile.session))) }
        throw ExitCode(Frontend.finishRanks(Frontend.repl(sessionPath: sessionFile.session)))
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a .dd script (or '-' for standard input) in batch mode.")

    @Argument(help: "The script to run, or '-' to read it from standard input.")
    var file: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a variable before the script runs (repeatable), e.g. --set ipc=10.", valueName: "name=value"))
    var assignments: [String] = []

    @OptionGroup var sessionFile: SessionOption

    func run() throws {
        throw ExitCode(Frontend.finishRanks(Frontend.runFile(file, sets: assignments, sessionPath: sessionFile.session)))
    }
}

/// `--session PATH`, shared by the REPL, `-e` and `run`.
struct SessionOption: ParsableArguments {
    @Option(name: .customLong("session"), help: ArgumentHelp("Open (or create) a session file first and save it after every command that changed a variable or the seed.", valueName: "PATH"))
    var session: String?
}

struct NotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Run a Markdown notebook's ```dd cells and write their outputs below them.")

    @Argument(help: "The notebook (.md).")
    var file: String

    @Flag(help: "Re-run and fail (exit 1), listing the cells, when outputs differ (numbers within a tolerance, see docs/repl.md); the file is not rewritten.")
    var check = false

    @Option(help: ArgumentHelp("Write the result to OUT (a file) instead of rewriting the notebook; not with --check.", valueName: "OUT.md"))
    var out: String?

    func run() throws {
        throw ExitCode(Frontend.finishRanks(Frontend.notebook(file, check: check, out: out)))
    }
}

TensorCore.Tensor.tuneAllocator()
// Under mpirun (or srun) this process is one rank of an SPMD job (docs/scale-out.md).
if let failed = Frontend.startRanks() { exit(failed) }
Distill.main()
