// Ctrl-C policy without signals: a fake long operation "receives" Ctrl-C at step 3 and
// returns its partial result, and the command stops at its next statement (exit 130 in batch).
import Bindings
import Notebook
import Script
import Testing

final class FakeFlag { var raised = false }

/// A session whose `steps(n)` builtin raises the interrupt flag at step 3, then stops at the
/// next step boundary and returns how many steps it did.
func interruptibleSession(batch: Bool) -> (Session, OutputBuffer) {
    let flag = FakeFlag()
    let registry = BuiltinRegistry.standard()
    registry.register(BuiltinNamespace(name: "fake", summary: "test", builtins: [
        Builtin("steps", parameters: [.required("n")], help: "Counts steps until interrupted.") { args, context in
            var done = 0
            for step in 1...(try args.integer(0)) {
                if context.session.interruptRequested() { break }
                done = step
                if step == 3 { flag.raised = true }
            }
            return .number(Double(done))
        },
    ]))
    let session = Session(registry: registry)
    session.interruptRequested = { flag.raised }
    session.clearInterrupt = { flag.raised = false }
    session.stopsAtStatementOnInterrupt = !batch
    let out = OutputBuffer()
    session.output = out
    return (session, out)
}

@Test func batchModeKeepsThePartialResultThenStopsAndReports130() {
    // Front ends run batch scripts with stopsAtStatementOnInterrupt (Frontend.makeSession):
    // the long operation returns what it made, the assignment happens, the script stops.
    let (session, out) = interruptibleSession(batch: false)
    let errors = OutputBuffer()
    let outcome = CommandRunner(session: session, errors: errors)
        .run(SourceText(name: "b.dd", text: "n = steps(10)\nprint(\"not reached\", n)"))
    #expect(outcome == .interrupted)
    #expect(outcome.status == ExitStatus.interrupted)
    #expect(out.text == "")
    #expect(session.globals.get("n")?.description == "3")
    #expect(errors.text == "interrupted at b.dd:2\n")
}

@Test func aForLoopWithAnEmptyBodyStopsAtTheInterrupt() {
    let (session, _) = interruptibleSession(batch: false)
    let outcome = CommandRunner(session: session, errors: OutputBuffer())
        .run(SourceText(name: "f.dd", text: "n = steps(10)\nfor i in range(100000) end"))
    #expect(outcome == .interrupted)
}

/// A line source that records what it was told to remember, and when.
final class RecordingLineSource: LineSource {
    var lines: [String]
    var remembered: [String] = []
    init(_ lines: [String]) { self.lines = lines }
    func readLine(prompt: String) -> String? { lines.isEmpty ? nil : lines.removeFirst() }
    func remember(_ cell: String) { remembered.append(cell) }
    var isInteractive: Bool { false }
}

@Test func theReplRemembersACommandBeforeItRunsSoQuittingDuringItKeepsIt() {
    // A double Ctrl-C exits the process during the command: history must be written before.
    let source = RecordingLineSource(["x = 1", "for i in [1]", "  print(history_has(\"for i in [1]\"))", "end"])
    let registry = BuiltinRegistry.standard()
    registry.register(BuiltinNamespace(name: "probe", summary: "test", builtins: [
        Builtin("history_has", parameters: [.required("prefix")], help: "Whether the history holds a cell starting so.") { args, _ in
            let prefix = try args.string(0)
            return .bool(source.remembered.contains { $0.hasPrefix(prefix) })
        },
    ]))
    let session = Session(registry: registry)
    let out = OutputBuffer()
    let repl = Repl(session: session, input: source, output: out, errors: out)
    #expect(repl.run() == 0)
    #expect(out.text == "true\n")
    #expect(source.remembered == ["x = 1", "for i in [1]\n  print(history_has(\"for i in [1]\"))\nend"])
}

@Test func replStopsTheCellButKeepsTheAssignment() {
    let (session, out) = interruptibleSession(batch: false)
    let errors = OutputBuffer()
    let repl = Repl(session: session, input: ArrayLineSource(["n = steps(10); print(\"not reached\")", "n", "steps(2)"]),
                    output: out, errors: errors)
    #expect(repl.run() == 0)
    #expect(out.text == "3\n2\n")
    #expect(errors.text.contains("interrupted at dd[1]:1"))
}
