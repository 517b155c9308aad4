// The distill executable end to end: exit codes, stdin modes, --set, -e, notebooks and the
// generated builtins page. `swift test` builds the executable beside the test bundle.
import Foundation
import Testing

enum Executable {
    /// The built `distill` next to the test bundle (or under .build/debug from the sources).
    static var url: URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("distill"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("distill"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/distill"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ arguments: [String], stdin: String = "", directory: String? = nil) throws -> Run {
        let process = Process()
        guard let url else { throw CocoaError(.fileNoSuchFile) }
        process.executableURL = url
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                   stderr: String(decoding: err, as: UTF8.self))
    }
}

@Test func executableIsBuilt() {
    #expect(Executable.url != nil, "distill not found next to the tests; run `swift build` first")
}

@Test(arguments: [
    (["-e", "print(1 + 1)"], Int32(0)),
    (["-e", "x = (1"], Int32(65)),
    (["-e", "nope"], Int32(70)),
    (["run", "/nonexistent/script.dd"], Int32(66)),
    (["--no-such-option"], Int32(64)),
    (["run", "-", "--set", "bad name=1"], Int32(64)),
    (["notebook", "/nonexistent/book.md"], Int32(66)),
])
func exitCodes(_ arguments: [String], _ status: Int32) throws {
    guard Executable.url != nil else { return }
    let run = try Executable.run(arguments)
    #expect(run.status == status, "distill \(arguments): \(run.stderr)")
}

@Test func batchFromStandardInputWithSets() throws {
    guard Executable.url != nil else { return }
    let run = try Executable.run(["run", "-", "--set", "ipc=10", "--set", "method=dm", "--set", "sizes=[1, 2]"],
                                 stdin: "print(ipc * 2, method, len(sizes))\n1 + 1\n")
    #expect(run.status == 0)
    #expect(run.stdout == "20 dm 2\n")  // batch scripts do not echo values
}

@Test func scriptErrorsGoToStandardErrorWithTheFileName() throws {
    guard Executable.url != nil else { return }
    let folder = NSTemporaryDirectory() + "distill-exe-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try "print(\"ok\")\nx = [1, 2]\nprint(x[9])\n".write(toFile: folder + "/bad.dd", atomically: true, encoding: .utf8)
    let run = try Executable.run(["run", "bad.dd"], directory: folder)
    #expect(run.status == 70)
    #expect(run.stdout == "ok\n")
    #expect(run.stderr == "bad.dd:3:8: error: index 9 out of range for a list of length 2\n    print(x[9])\n           ^\n")
}

@Test func replWithoutTerminalReadsStandardInputWithoutPrompts() throws {
    guard Executable.url != nil else { return }
    let run = try Executable.run([], stdin: "x = 2\nif x > 1\n  x * 10\nend\nx + 1\n:quit\nprint(\"after quit\")\n")
    #expect(run.status == 0)
    #expect(run.stdout == "3\n")
    #expect(run.stderr == "")
}

@Test func notebookCheckExitCodes() throws {
    guard Executable.url != nil else { return }
    let folder = NSTemporaryDirectory() + "distill-exe-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try "# T\n\n```dd\n2 * 21\n```\n".write(toFile: folder + "/t.md", atomically: true, encoding: .utf8)
    #expect(try Executable.run(["notebook", "t.md", "--check"], directory: folder).status == 1)
    #expect(try Executable.run(["notebook", "t.md"], directory: folder).status == 0)
    #expect(try Executable.run(["notebook", "t.md", "--check"], directory: folder).status == 0)
    #expect(try String(contentsOfFile: folder + "/t.md", encoding: .utf8) == "# T\n\n```dd\n2 * 21\n```\n\n```text\n42\n```\n")
    #expect(try Executable.run(["notebook", "t.md", "--out", "u.md"], directory: folder).status == 0)
    #expect(FileManager.default.fileExists(atPath: folder + "/u.md"))
}

@Test func builtinsMarkdownMatchesTheDocsPage() throws {
    guard Executable.url != nil else { return }
    let run = try Executable.run(["--builtins-markdown"])
    let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/builtins.md")
    #expect(run.stdout == (try? String(contentsOf: docs, encoding: .utf8)), "docs/builtins.md is stale: distill --builtins-markdown > docs/builtins.md")
}
