// Behaviour the corpus cannot express: diagnostics formatting and call stacks, incomplete
// input for the REPL, host-object hooks, echo, seeds, session independence and interrupts.
import Bindings
import Script
import Testing

/// Runs `code` and returns its output, or the text of the error it raised.
func run(_ code: String, echo: Bool = false, name: String = "test.dd") -> (output: String, error: String?) {
    let (session, out) = testSession(echo: echo)
    do {
        try session.run(SourceText(name: name, text: code))
        return (out.text, nil)
    } catch {
        return (out.text, "\(error)")
    }
}

@Test func diagnosticShowsLineAndCaret() {
    let result = run("total = 1\ny = totl + total\n")
    #expect(result.error == """
    test.dd:2:5: error: unknown name 'totl'; did you mean 'total'?
        y = totl + total
            ^
    """)
}

@Test func runtimeErrorInsideFunctionShowsCallStack() {
    let code = """
    def inner(x)
      return x + "a"
    end
    def outer(y)
      return inner(y)
    end
    outer(1)
    """
    let result = run(code)
    #expect(result.error == """
    test.dd:2:12: error: cannot apply '+' to number and string
          return x + "a"
                   ^
      in 'inner' called at test.dd:5:10
      in 'outer' called at test.dd:7:1
    """)
}

@Test func deepRecursionTraceIsShortened() {
    let result = onLargeStack { run("def f(n) return f(n + 1) end\nf(0)") }
    let lines = result.error?.split(separator: "\n") ?? []
    #expect(lines.first?.hasSuffix("too many nested calls (more than 200); does a recursion miss its base case?") == true)
    #expect(lines.contains { $0.contains("more calls ...") })
    #expect(lines.count < 20)
}

@Test func severalSyntaxErrorsAreReportedInOrder() {
    let result = run("x = )\ny = 1\nz = (2 +\n")
    let lines = (result.error ?? "").split(separator: "\n").filter { $0.contains("error:") }
    #expect(lines == ["test.dd:1:5: error: expected an expression, found ')'",
                      "test.dd:3:9: error: expected an expression, found end of input"])
}

@Test(arguments: ["if x", "for i in range(3)\n  print(i)", "def f(a,", "x = [1,", "print((1 +", "if a\nelif b"])
func openInputIsIncomplete(_ code: String) {
    do {
        _ = try Parser.parse(SourceText(name: "cell", text: code))
        Issue.record("parsed: \(code)")
    } catch let e as SyntaxErrors {
        #expect(e.isIncompleteInput, "\(e)")
    } catch {
        Issue.record("\(error)")
    }
}

@Test(arguments: ["x = )", "end", "x = \"open", "if x y = = end"])
func brokenInputIsNotIncomplete(_ code: String) {
    do {
        _ = try Parser.parse(SourceText(name: "cell", text: code))
        Issue.record("parsed: \(code)")
    } catch let e as SyntaxErrors {
        #expect(!e.isIncompleteInput, "\(e)")
    } catch {
        Issue.record("\(error)")
    }
}

@Test func hostObjectsGetOperatorsMembersIndexingAndIteration() {
    let code = """
    v = vec([1, 2, 3])
    print(v + 1)
    print(10 - v)
    print(v * v)
    print(-v)
    print(v @ v)
    print(v.size, v.total, len(v))
    print(v.scaled(2))
    print(v[1], v[1:])
    for x in v print(x) end
    print(type(v), v == v, v == vec([1, 2, 3]))
    """
    let result = run(code)
    #expect(result.error == nil)
    #expect(result.output == """
    vec(2, 3, 4)
    vec(9, 8, 7)
    vec(1, 4, 9)
    vec(-1, -2, -3)
    14
    3 6 3
    vec(2, 4, 6)
    2 vec(2, 3)
    1
    2
    3
    vec true false

    """)
}

@Test func hostObjectErrorsAreLocatedAndSuggestMembers() {
    #expect(run("v = vec([1])\nprint(v.sise)").error?.hasPrefix("test.dd:2:8: error: vec has no member 'sise'; did you mean 'size'?") == true)
    #expect(run("v = vec([1])\nv + vec([1, 2])").error?.hasPrefix("test.dd:2:3: error: vec sizes differ: 1 and 2") == true)
    #expect(run("v = vec([1])\nv / 2").error?.hasPrefix("test.dd:2:3: error: cannot apply '/' to vec and number") == true)
    #expect(run("vec([1, \"a\"])").error?.contains("bad argument #1 to 'vec' (list of numbers expected, item 2 is string)") == true)
}

@Test func coreMathDelegatesToHostMethods() {
    // max(v) calls v.max() when the host has one; vec has none, so the message names the type.
    #expect(run("max(vec([1]))").error?.contains("bad argument #1 to 'max' (number or list of numbers expected, got vec)") == true)
}

@Test func echoPrintsTopLevelExpressionValuesButNotNone() {
    let result = run("1 + 2\nprint(\"x\")\n\"s\"\nnone\ny = 4\n", echo: true)
    #expect(result.output == "3\nx\n\"s\"\n")
}

@Test func seedDerivesReproducibleSequences() {
    let a = Session.standard(), b = Session.standard()
    a.setSeed(7); b.setSeed(7)
    let first = (0..<3).map { _ in a.nextSeed() }
    #expect(first == (0..<3).map { _ in b.nextSeed() })
    #expect(Set(first).count == 3)
    a.setSeed(7)
    #expect(a.nextSeed() == first[0])
    a.setSeed(8)
    #expect(a.nextSeed() != first[0])
}

@Test func sessionsAreIndependent() {
    let (a, outA) = testSession(), (b, outB) = testSession()
    try? a.run(SourceText(name: "a", text: "x = 1\nseed(5)"))
    try? b.run(SourceText(name: "b", text: "x = 2"))
    try? a.run(SourceText(name: "a", text: "print(x, seed())"))
    try? b.run(SourceText(name: "b", text: "print(x, seed())"))
    #expect(outA.text == "1 5\n")
    #expect(outB.text == "2 0\n")
}

@Test func interruptStopsLoopsAtStatementBoundaries() {
    let (session, out) = testSession()
    var polls = 0
    session.interruptRequested = { polls += 1; return polls > 5 }
    var error: Diagnostic?
    do { try session.run(SourceText(name: "loop", text: "i = 0\nwhile true\n  i = i + 1\nend")) }
    catch let d as Diagnostic { error = d } catch {}
    #expect(error?.kind == .interrupted)
    #expect(out.text == "")
}

@Test func batchInterruptPolicyLetsTheScriptFinish() {
    let (session, out) = testSession()
    session.interruptRequested = { true }
    session.stopsAtStatementOnInterrupt = false
    #expect(throws: Never.self) { try session.run(SourceText(name: "b", text: "print(1)\nprint(2)")) }
    #expect(out.text == "1\n2\n")
}

@Test func builtinsCanCallBackIntoScriptFunctions() {
    #expect(run("def sq(x) return x * x end\nprint(time(sq, 4))").output.hasSuffix("\n16\n"))
}

@Test func suggestionsUseEditDistance() {
    #expect(Suggestions.closest(to: "lenght", among: ["length", "left"]) == "length")
    #expect(Suggestions.closest(to: "zzz", among: ["length"]) == nil)
    #expect(Suggestions.distance("abc", "acb") == 1)
}

@Test func slicePositionsFollowPythonRules() throws {
    #expect(try IndexComponent.positions(start: nil, stop: nil, step: -1, count: 4) == [3, 2, 1, 0])
    #expect(try IndexComponent.positions(start: -2, stop: nil, step: nil, count: 4) == [2, 3])
    #expect(try IndexComponent.positions(start: 1, stop: -1, step: 2, count: 6) == [1, 3])
    #expect(try IndexComponent.positions(start: 5, stop: 1, step: nil, count: 4) == [])
    #expect(throws: ScriptError.self) { try IndexComponent.positions(start: nil, stop: nil, step: 0, count: 4) }
}

/// (typed, offered, expected) for `Suggestions.closest`.
let suggestionCases: [(String, [String], String?)] = [
    // A swap of neighbours is one edit.
    ("vaule", ["value", "valve", "x"], "value"),
    ("vaule", ["valeu", "x"], "valeu"),
    ("pritn", ["print", "prod"], "print"),
    // A familiar name from other languages leads to ours: `lenght` is `length`, which is `len`.
    ("lenght", ["len", "lenet", "left"], "len"),
    ("length", ["len", "lenet"], "len"),
    ("lenght", ["length", "len", "lenet"], "length"),
    // Equal distance: the longer shared prefix, then the nearer length.
    ("shap", ["shape", "sha"], "shape"),
    ("rang", ["rand", "range"], "range"),
    ("evalute", ["evaluate", "relu"], "evaluate"),
    ("zzzz", ["len", "print"], nil),
]

@Test(arguments: suggestionCases)
func suggestionsFindTheIntendedName(_ typed: String, _ offered: [String], _ expected: String?) {
    #expect(Suggestions.closest(to: typed, among: offered) == expected)
}

@Test func suggestionsStayCheapForHugeNames() {
    let huge = String(repeating: "a", count: 1_000_000)
    #expect(Suggestions.closest(to: huge, among: ["a", "len"]) == nil)
    #expect(Suggestions.closest(to: "len", among: [huge, "lne"]) == "lne")
}

@Test func helpTextWrapsParagraphsAndLists() {
    let text = "A first paragraph that is long enough to wrap at twenty.\n\nList:\n- one item that wraps too\n- two"
    #expect(HelpText.wrap(text, width: 20) == """
    A first paragraph
    that is long enough
    to wrap at twenty.

    List:
    - one item that
      wraps too
    - two
    """)
    #expect(HelpText.wrap("joined\nsource lines", width: 40) == "joined source lines")
    #expect(HelpText.wrap("a-word-longer-than-the-width x", width: 10) == "a-word-longer-than-the-width\nx")
    #expect(HelpText.signature("f(a, b=\"x, y\", c=1)", suffix: "  [t]", width: 12) == "f(a,\n  b=\"x, y\",\n  c=1)  [t]")
    #expect(HelpText.signature("f(a)", suffix: "  [t]", width: 12) == "f(a)  [t]")
}

@Test func aParameterMayHaveAnotherName() {
    let (session, out) = testSession()
    session.registry.register(BuiltinNamespace(name: "alias", summary: "test", builtins: [
        Builtin("pick", parameters: [.required("data"), .required("per_class").alias("ipc")], help: "Picks.") { args, _ in
            args.value(1)
        },
    ]))
    func result(_ code: String) -> String {
        do { try session.run(SourceText(name: "t", text: code)); return out.take() } catch let d as Diagnostic { return d.message } catch { return "\(error)" }
    }
    #expect(result("print(pick(1, ipc=3), pick(1, per_class=4), pick(1, 5))") == "3 4 5\n")
    #expect(result("pick(1, per_class=2, ipc=3)") == "argument 'per_class' to 'pick' given twice (as 'per_class' and as 'ipc', two names for it); give one")
    #expect(result("pick(1, 2, ipc=3)") == "argument 'ipc' to 'pick' given twice (by position and by name)")
    #expect(result("pick(1, ipcc=3)") == "unknown named argument 'ipcc' to 'pick'; did you mean 'ipc'? (accepted: data, per_class (or ipc))")
}
