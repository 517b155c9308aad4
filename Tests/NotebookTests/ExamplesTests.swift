// The shipped examples stay valid: every notebook in notebooks/ passes --check, and every
// script in scripts/ parses (running them may need data sets; that is for scripts/ itself).
import Bindings
import Foundation
import Notebook
import Script
import Testing

enum Examples {
    static var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized }
    static func files(_ folder: String, _ ext: String) -> [String] {
        let dir = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix("." + ext) }.sorted().map { dir.appendingPathComponent($0).path }
    }
}

/// Notebooks whose cells take minutes of real-data work say so with this line; they are
/// re-checked only with DISTILL_SLOW=1 (they still must parse, see below).
let slowNotebookMarker = "<!-- distill: slow -->"

@Test func notebooksPassTheirCheck() throws {
    let notebooks = Examples.files("notebooks", "md")
    #expect(!notebooks.isEmpty)
    let slow = ProcessInfo.processInfo.environment["DISTILL_SLOW"] == "1"
    for path in notebooks {
        if !slow, try String(contentsOfFile: path, encoding: .utf8).contains(slowNotebookMarker) { continue }
        let log = OutputBuffer()
        let status = NotebookRunner(session: Session.standard(), log: log).runFile(path, check: true, outPath: nil)
        #expect(status == ExitStatus.ok, "\(path): \(log.text)")
    }
}

@Test func scriptsParse() throws {
    let scripts = Examples.files("scripts", "dd")
    #expect(!scripts.isEmpty)
    for path in scripts {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(throws: Never.self, "\(path)") { _ = try Parser.parse(SourceText(name: path, text: text)) }
    }
}

/// The tutorial is a notebook: every snippet in it runs and prints what the page shows.
@Test func tutorialPassesItsCheck() {
    let path = Examples.root.appendingPathComponent("docs/tutorial.md").path
    let log = OutputBuffer()
    let status = NotebookRunner(session: Session.standard(), log: log).runFile(path, check: true, outPath: nil)
    #expect(status == ExitStatus.ok, "\(log.text)")
}

@Test func slowNotebooksParse() throws {
    for path in Examples.files("notebooks", "md") {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let doc = NotebookDocument.parse(text, stem: "n")
        #expect(doc.warnings.isEmpty && doc.errors.isEmpty, "\(path): \(doc.warnings + doc.errors)")
        for (i, cell) in doc.cells.enumerated() {
            #expect(throws: Never.self, "\(path) cell \(i + 1)") { _ = try Parser.parse(SourceText(name: path, text: cell.code)) }
        }
    }
}
