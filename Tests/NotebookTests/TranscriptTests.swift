// REPL transcripts: each Transcripts/NAME.dd is fed line by line to a REPL without prompts,
// and its printed output and errors are compared with NAME.txt (DISTILL_RECORD=1 re-records).
import Bindings
import Foundation
import Notebook
import Script
import Testing

enum Transcripts {
    static var folder: URL { Bundle.module.resourceURL!.appendingPathComponent("Transcripts") }
    /// The source folder, where re-recorded snapshots are written.
    static var sourceFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Transcripts")
    }
    static var recording: Bool { ProcessInfo.processInfo.environment["DISTILL_RECORD"] == "1" }

    static func names() -> [String] {
        let items = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return items.filter { $0.hasSuffix(".dd") }.sorted()
    }

    /// Runs `lines` through a REPL; output and errors interleave as on a terminal.
    static func transcript(_ lines: [String]) -> (text: String, repl: Repl) {
        let session = Session.standard()
        let buffer = OutputBuffer()
        let repl = Repl(session: session, input: ArrayLineSource(lines), output: buffer, errors: buffer)
        _ = repl.run()
        return (buffer.text, repl)
    }
}

@Test(arguments: Transcripts.names())
func replTranscript(_ name: String) throws {
    let input = try String(contentsOf: Transcripts.folder.appendingPathComponent(name), encoding: .utf8)
    var lines = input.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    let actual = Transcripts.transcript(lines).text
    let snapshot = (name as NSString).deletingPathExtension + ".txt"
    if Transcripts.recording {
        try actual.write(to: Transcripts.sourceFolder.appendingPathComponent(snapshot), atomically: true, encoding: .utf8)
        return
    }
    let expected = try String(contentsOf: Transcripts.folder.appendingPathComponent(snapshot), encoding: .utf8)
    #expect(actual == expected, "transcript \(name) changed (DISTILL_RECORD=1 re-records after checking)")
}

@Test func exportWritesCellsAndOutputsAsANotebook() {
    let (_, repl) = Transcripts.transcript(["x = 2", "x * 21", "print(\"hi\")", "for i in range(2)", "print(i)", "end"])
    let exported = repl.exportNotebook()
    #expect(exported == """
    # Distillery session

    ```dd
    x = 2
    ```

    ```dd
    x * 21
    ```

    ```text
    42
    ```

    ```dd
    print("hi")
    ```

    ```text
    hi
    ```

    ```dd
    for i in range(2)
    print(i)
    end
    ```

    ```text
    0
    1
    ```

    """)
    // The export is itself a notebook whose check passes.
    let doc = NotebookDocument.parse(exported, stem: "session")
    let rerun = NotebookRunner(session: Session.standard(), log: OutputBuffer()).run(doc, path: "session.md")
    #expect(NotebookRunner.differences(old: doc, new: rerun.document).isEmpty)
}

@Test func timeCommandAddsAVolatileTiming() {
    let text = Transcripts.transcript([":time on", "1 + 1", ":time off", "2 + 2"]).text
    #expect(Volatile.normalise(text) == "2\ntime: ~# s\n4\n")
}

@Test func saveAndLoadCommandsUseTheSessionBuiltinsOnceRegistered() {
    // A registry with a stand-in `save` and no `load`.
    let registry = BuiltinRegistry()
    var saved: [String] = []
    registry.register(BuiltinNamespace(name: "session", summary: "test double", builtins: [
        Builtin("save", parameters: [.required("path")], help: "Saves.") { args, _ in
            saved.append(try args.string(0))
            return .string("saved")
        },
    ]))
    let buffer = OutputBuffer()
    let repl = Repl(session: Session(registry: registry), input: ArrayLineSource([":save a.session", ":save", ":load b"]),
                    output: buffer, errors: buffer)
    _ = repl.run()
    #expect(saved == ["a.session"])
    #expect(buffer.text == "\"saved\"\nusage: :save PATH\n:load is not available yet: saving and loading sessions arrive with the session library (see docs/repl.md)\n")
}
