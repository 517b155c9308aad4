// Tab completion candidates: names, members after a dot, named arguments, meta-commands.
import Bindings
import Notebook
import Script
import Testing

final class Shape: HostObject {
    var typeName: String { "tensor" }
    var summary: String { "tensor" }
    var memberNames: [String] { ["shape", "size", "sum"] }
    func member(_ name: String) throws -> Value? { memberNames.contains(name) ? .number(1) : nil }
}

func completer() -> Completer {
    let session = Session.standard()
    session.globals.set("weights", .host(Shape()))
    session.globals.set("width", .number(3))
    try? session.run(SourceText(name: "c", text: "def train_step(lr, momentum=0.9) end"))
    return Completer(session: session)
}

@Test func completesVariablesBuiltinsAndKeywords() {
    let c = completer()
    #expect(c.candidates(word: "wi", before: "") == ["width"])
    #expect(c.candidates(word: "w", before: "x = ") == ["weights", "where(", "while", "width"])
    #expect(c.candidates(word: "ra", before: "") == ["rand(", "randn(", "range("])
}

@Test func functionsCompleteWithTheirParenthesis() {
    let c = completer()
    #expect(c.candidates(word: "pri", before: "") == ["print("])
    #expect(c.candidates(word: "train", before: "") == ["train(", "train_step("])
    #expect(c.candidates(word: "whi", before: "") == ["while"])  // keywords stay words
}

@Test func completesMembersAfterADot() {
    let c = completer()
    #expect(c.candidates(word: "weights.s", before: "print(") == ["weights.shape", "weights.size", "weights.sum"])
    #expect(c.candidates(word: "weights.sh", before: "") == ["weights.shape"])
    #expect(c.candidates(word: "width.s", before: "").isEmpty)
}

@Test func completesNamedArgumentsInsideACall() {
    let c = completer()
    #expect(c.candidates(word: "mo", before: "train_step(0.1, ") == ["momentum="])
    #expect(c.candidates(word: "se", before: "print(1, ") == ["sep=", "seed(", "select("])
    #expect(c.candidates(word: "e", before: "print(len(x), ").first == "end=")
}

@Test func completesMetaCommandsAtTheStartOfALine() {
    let c = completer()
    #expect(c.candidates(word: ":h", before: "") == [":help", ":history"])
    #expect(c.candidates(word: ":q", before: "  ") == [":quit"])
}
