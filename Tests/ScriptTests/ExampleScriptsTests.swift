// Every example and reproduction script under scripts/ parses: a syntax slip in a script the
// docs tell users to run fails here, not an hour into a run.
import Foundation
import Script
import Testing

@Suite("example scripts")
struct ExampleScriptsTests {
    /// The repository's scripts/ folder, found from this file's path.
    static let scriptsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts")

    static func scripts() -> [URL] {
        let walker = FileManager.default.enumerator(at: scriptsFolder, includingPropertiesForKeys: nil)
        let all = (walker?.allObjects as? [URL]) ?? []
        return all.filter { $0.pathExtension == "dd" }.sorted { $0.path < $1.path }
    }

    @Test("scripts/ holds the reproduction scripts the docs name")
    func folderIsFound() {
        let names = Set(Self.scripts().map(\.lastPathComponent))
        for name in ["dd_mnist_fixed.dd", "dd_mnist_random.dd", "dd_cifar10_random.dd", "mtt_cifar10_ipc1.dd", "quickstart.dd"] {
            #expect(names.contains(name), "missing \(name) under \(Self.scriptsFolder.path)")
        }
    }

    @Test("every .dd script under scripts/ parses")
    func everyScriptParses() throws {
        let files = Self.scripts()
        #expect(files.count >= 10)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            do {
                _ = try Parser.parse(SourceText(name: file.lastPathComponent, text: text))
            } catch {
                Issue.record("\(file.lastPathComponent): \(error)")
            }
        }
    }

    @Test("a script with a syntax error is reported, so the check above can fail")
    func brokenScriptIsCaught() {
        #expect(throws: (any Error).self) {
            _ = try Parser.parse(SourceText(name: "broken.dd", text: "x = (1 +\nprint(x)\n"))
        }
    }
}
