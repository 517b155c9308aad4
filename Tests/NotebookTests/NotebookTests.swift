// Notebooks: parsing and rendering Markdown, running cells, replacing old outputs, picture
// links, and the --check round trip that makes notebooks double as tests.
import Bindings
import Foundation
import Notebook
import Script
import Testing

/// A fresh temporary folder for one test.
func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "distill-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A standard session plus `picture(name)`, which writes a small file into the session's
/// artifact folder and records it, as the image builtins will.
func sessionWithPictures() -> Session {
    let registry = BuiltinRegistry.standard()
    registry.register(BuiltinNamespace(name: "testpictures", summary: "test doubles", builtins: [
        Builtin("picture", parameters: [.required("name")], help: "Writes a fake picture.") { args, context in
            let name = try args.string(0)
            let folder = context.session.artifactDirectory ?? "."
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = folder + "/" + name
            try Data("png".utf8).write(to: URL(fileURLWithPath: path))
            context.session.recordArtifact(path: path, caption: name)
            context.output.write("wrote \(name)\n")
            return .none
        },
    ]))
    return Session(registry: registry)
}

let sampleNotebook = """
# Sample

Some prose.

```dd
x = 6 * 7
x
```

More prose.

```dd
def twice(v) return 2 * v end
print(twice(x))
time(twice, 1)
```

```dd
y = 1
```

The end.
"""

@Test func parseAndRenderRoundTrip() {
    let doc = NotebookDocument.parse(sampleNotebook, stem: "sample")
    #expect(doc.cells.count == 3)
    #expect(doc.cells[0].code == "x = 6 * 7\nx")
    #expect(doc.cells[0].firstLine == 6)
    #expect(doc.render() == sampleNotebook)  // even without a last newline: the text is the user's
    #expect(NotebookDocument.parse(sampleNotebook + "\n", stem: "sample").render() == sampleNotebook + "\n")
}

@Test func runningWritesOutputsAndRerunningReplacesThem() throws {
    let folder = try temporaryFolder()
    let path = folder + "/sample.md"
    try sampleNotebook.write(toFile: path, atomically: true, encoding: .utf8)
    let log = OutputBuffer()
    #expect(NotebookRunner(session: Session.standard(), log: log).runFile(path, check: false, outPath: nil) == 0)
    let once = try String(contentsOfFile: path, encoding: .utf8)
    #expect(once.contains("```dd\nx = 6 * 7\nx\n```\n\n```text\n42\n```\n\nMore prose."))
    #expect(once.contains("print(twice(x))\ntime(twice, 1)\n```\n\n```text\n84\ntime: ~"))
    #expect(once.contains("```dd\ny = 1\n```\n\nThe end."))
    // A second run replaces the outputs instead of stacking them.
    #expect(NotebookRunner(session: Session.standard(), log: log).runFile(path, check: false, outPath: nil) == 0)
    let twice = try String(contentsOfFile: path, encoding: .utf8)
    #expect(Volatile.normalise(twice) == Volatile.normalise(once))
    #expect(twice.components(separatedBy: "```text").count == 3)
    // --check passes (timings differ but are volatile) and does not rewrite the file.
    #expect(NotebookRunner(session: Session.standard(), log: log).runFile(path, check: true, outPath: nil) == 0)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == twice)
}

@Test func checkFailsAndListsChangedCells() throws {
    let folder = try temporaryFolder()
    let path = folder + "/changed.md"
    try sampleNotebook.write(toFile: path, atomically: true, encoding: .utf8)
    _ = NotebookRunner(session: Session.standard(), log: OutputBuffer()).runFile(path, check: false, outPath: nil)
    let edited = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "```text\n42\n```", with: "```text\n41\n```")
    try edited.write(toFile: path, atomically: true, encoding: .utf8)
    let log = OutputBuffer()
    #expect(NotebookRunner(session: Session.standard(), log: log).runFile(path, check: true, outPath: nil) == ExitStatus.checkFailed)
    #expect(log.text.contains("1 of 3 cells differ"))
    #expect(log.text.contains("cell 1 (line 6) differs:\n--- expected\n41\n--- actual\n42"))
}

@Test func anErrorStopsTheNotebookAndIsWrittenInTheCell() throws {
    let folder = try temporaryFolder()
    let path = folder + "/broken.md"
    try "```dd\nprint(1)\n```\n\n```dd\nprint(nope)\n```\n\n```dd\nprint(3)\n```\n\n```text\nold\n```\n"
        .write(toFile: path, atomically: true, encoding: .utf8)
    #expect(NotebookRunner(session: Session.standard(), log: OutputBuffer()).runFile(path, check: false, outPath: nil) == ExitStatus.runtime)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text == """
    ```dd
    print(1)
    ```

    ```text
    1
    ```

    ```dd
    print(nope)
    ```

    ```text
    \(path):6:7: error: unknown name 'nope'
        print(nope)
              ^
    ```

    ```dd
    print(3)
    ```

    """)
}

@Test func picturesAreLinkedBelowTheirCell() throws {
    let folder = try temporaryFolder()
    let path = folder + "/pics.md"
    try "Intro\n\n```dd\npicture(\"grid.png\")\n```\n\nOutro\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(NotebookRunner(session: sessionWithPictures(), log: OutputBuffer()).runFile(path, check: false, outPath: nil) == 0)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text == "Intro\n\n```dd\npicture(\"grid.png\")\n```\n\n```text\nwrote grid.png\n```\n\n![grid.png](pics.files/grid.png)\n\nOutro\n")
    #expect(FileManager.default.fileExists(atPath: folder + "/pics.files/grid.png"))
    // Re-running keeps exactly one link and --check passes.
    #expect(NotebookRunner(session: sessionWithPictures(), log: OutputBuffer()).runFile(path, check: true, outPath: nil) == 0)
    #expect(NotebookRunner(session: sessionWithPictures(), log: OutputBuffer()).runFile(path, check: false, outPath: nil) == 0)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
}

@Test func outputsContainingFencesGetLongerFences() {
    var doc = NotebookDocument.parse("```dd\nprint(\"```\")\n```\n", stem: "f")
    let rerun = NotebookRunner(session: Session.standard(), log: OutputBuffer()).run(doc, path: "f.md")
    doc = rerun.document
    let text = doc.render()
    #expect(text == "```dd\nprint(\"```\")\n```\n\n````text\n```\n````\n")
    #expect(NotebookDocument.parse(text, stem: "f") == doc)
}

@Test func missingNotebookIsExit66() {
    let log = OutputBuffer()
    #expect(NotebookRunner(session: Session.standard(), log: log).runFile("/nonexistent/x.md", check: false, outPath: nil) == ExitStatus.noInput)
    #expect(log.text == "distill: cannot open '/nonexistent/x.md' (no such file)\n")
}

@Test func checkingWritesNoPictureBesideTheNotebook() throws {
    let folder = try temporaryFolder()
    let path = folder + "/pics.md"
    try "```dd\npicture(\"grid.png\")\n```\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(NotebookRunner(session: sessionWithPictures(), log: OutputBuffer()).runFile(path, check: false, outPath: nil) == 0)
    let picture = folder + "/pics.files/grid.png"
    try Data("the user's own picture".utf8).write(to: URL(fileURLWithPath: picture))
    let text = try String(contentsOfFile: path, encoding: .utf8)
    // The check runs the cell (which writes a picture) and links it where the notebook does,
    // but the picture beside the notebook is left as it was.
    #expect(NotebookRunner(session: sessionWithPictures(), log: OutputBuffer()).runFile(path, check: true, outPath: nil) == 0)
    #expect(try String(contentsOfFile: picture, encoding: .utf8) == "the user's own picture")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
}
