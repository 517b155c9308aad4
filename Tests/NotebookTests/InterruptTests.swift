// Ctrl-C policy without signals: a fake long operation "receives" Ctrl-C at step 3 and
// returns its partial result; batch mode finishes the script and exits 130, the REPL stops.
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

@Test func batchModeKeepsPartialResultsRunsTheRestAndReports130() {
    let (session, out) = interruptibleSession(batch: true)
    let errors = OutputBuffer()
    let outcome = CommandRunner(session: session, errors: errors)
        .run(SourceText(name: "b.dd", text: "n = steps(10)\nprint(\"saved\", n)"))
    #expect(outcome == .interrupted)
    #expect(outcome.status == ExitStatus.interrupted)
    #expect(out.text == "saved 3\n")
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
