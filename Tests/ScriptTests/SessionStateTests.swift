// What session files need from the language: a user function's exact text and defaults, a
// function rebuilt from them, and the stamp that tells whether a command changed state.
import Bindings
import Script
import Testing

@Test func aFunctionKeepsItsExactText() throws {
    let session = Session.standard()
    try session.run(SourceText(name: "t", text: """
    x = "grüße"; def f(a, b=[1, 2]) return a end; y = 2
    def greet(name, n=3)
      if n > 1   # a comment
        return name * 1
      end
      return "héllo " + name
    end
    """))
    let fv = try #require(session.globals.get("f"))
    let f = try #require(Session.functionParts(fv))
    #expect(f.text == "def f(a, b=[1, 2]) return a end")
    #expect(f.defaults.count == 2 && f.defaults[0] == nil && f.defaults[1]?.description == "[1, 2]")
    let gv = try #require(session.globals.get("greet"))
    let g = try #require(Session.functionParts(gv))
    #expect(g.text == "def greet(name, n=3)\n  if n > 1   # a comment\n    return name * 1\n  end\n  return \"héllo \" + name\nend")
    #expect(Session.functionParts(.number(1)) == nil)
    let len = try #require(session.registry.lookup("len"))
    #expect(Session.functionParts(.function(len)) == nil)
}

@Test func aFunctionIsRebuiltFromItsTextAndDefaults() throws {
    let session = Session.standard()
    let out = OutputBuffer()
    session.output = out
    let f = try session.makeFunction(text: "def f(a, b=2)\n  return a * b\nend", defaults: [nil, .number(5)], sourceName: "saved")
    session.globals.set("g", f)
    try session.run(SourceText(name: "t", text: "print(g(3), g(3, 1), g)"))
    #expect(out.text == "15 3 <function f(a, b=5)>\n")
    #expect(throws: ScriptError.self) { _ = try session.makeFunction(text: "x = 1", defaults: [], sourceName: "s") }
    #expect(throws: ScriptError.self) { _ = try session.makeFunction(text: "def f(a) return a end", defaults: [.number(1)], sourceName: "s") }
    #expect(throws: SyntaxErrors.self) { _ = try session.makeFunction(text: "def f(a) return", defaults: [nil], sourceName: "s") }
}

@Test func theStateStampMovesOnlyWithState() throws {
    let session = Session.standard()
    session.output = OutputBuffer()
    var stamp = session.stateStamp
    func step(_ code: String) throws -> Bool {
        try session.run(SourceText(name: "t", text: code))
        defer { stamp = session.stateStamp }
        return session.stateStamp != stamp
    }
    #expect(try step("x = 1") == true)
    #expect(try step("print(x + 1)") == false)
    #expect(try step("seed(3)") == true)
    #expect(try step("r = 2; print(r)") == true)
    #expect(try step("rand([1])") == true, "drawing from the session seed moves the sequence")
    #expect(try step("def h() return 1 end") == true)
    session.restoreSeed(3, draws: 7)
    #expect(session.seed == 3 && session.seedDraws == 7)
}
