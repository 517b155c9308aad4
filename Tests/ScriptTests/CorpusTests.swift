// Runs every .dd file of the golden corpus (Tests/ScriptTests/Corpus) and checks its
// `# expect: OUTPUT` and `# expect error: MESSAGE` comments (Crafting Interpreters' test/).
import Bindings
import Foundation
import Script
import Testing

/// What one corpus file expects and what running it produced.
struct CorpusCase {
    let name: String
    let text: String
    /// Expected output lines, in order.
    var outputs: [String] = []
    /// Expected errors as (line, message).
    var errors: [ExpectedError] = []

    struct ExpectedError: Equatable, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    init(name: String, text: String) {
        self.name = name
        self.text = text
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let r = line.range(of: "# expect: ") {
                outputs.append(String(line[r.upperBound...]))
            } else if line.hasSuffix("# expect:") {
                outputs.append("")
            } else if let r = line.range(of: "# expect error: ") {
                errors.append(ExpectedError(line: i + 1, message: String(line[r.upperBound...])))
            }
        }
    }

    /// Runs the file in a fresh session; returns a description of every mismatch.
    func check() -> [String] {
        let session = Session.standard()
        let out = OutputBuffer()
        session.output = out
        var actualErrors: [ExpectedError] = []
        do {
            try session.run(SourceText(name: name, text: text))
        } catch let e as SyntaxErrors {
            actualErrors = e.diagnostics.map { ExpectedError(line: $0.location.line, message: $0.message) }
        } catch let d as Diagnostic {
            actualErrors = [ExpectedError(line: d.location.line, message: d.message)]
        } catch {
            return ["unexpected error type: \(error)"]
        }
        var problems: [String] = []
        var lines = Volatile.normalise(out.text).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        if lines != outputs {
            problems.append("output differs:\n--- expected\n\(outputs.joined(separator: "\n"))\n--- actual\n\(lines.joined(separator: "\n"))")
        }
        if actualErrors != errors {
            problems.append("errors differ:\n--- expected\n\(errors.map(\.description).joined(separator: "\n"))\n--- actual\n\(actualErrors.map(\.description).joined(separator: "\n"))")
        }
        return problems
    }
}

enum Corpus {
    static var folder: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Corpus")
    }

    static func files() -> [URL] {
        let items = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return items.filter { $0.pathExtension == "dd" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}

@Test func corpusIsNotEmpty() {
    #expect(Corpus.files().count >= 30)
}

@Test(arguments: Corpus.files().map(\.lastPathComponent))
func corpusFile(_ name: String) throws {
    let text = try String(contentsOf: Corpus.folder.appendingPathComponent(name), encoding: .utf8)
    let c = CorpusCase(name: name, text: text)
    #expect(!c.outputs.isEmpty || !c.errors.isEmpty, "\(name) expects nothing")
    for problem in c.check() {
        Issue.record("\(name): \(problem)")
    }
}
