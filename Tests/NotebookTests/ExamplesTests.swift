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

@Test func notebooksPassTheirCheck() {
    let notebooks = Examples.files("notebooks", "md")
    #expect(!notebooks.isEmpty)
    for path in notebooks {
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
