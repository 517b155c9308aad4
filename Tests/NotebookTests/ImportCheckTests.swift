// The module graph stays honest: scripts/check-imports passes on this package (every target
// declares each package module it imports) and fails on a small package that does not. SwiftPM's
// own explicit-import check reports nothing on Linux, so this test is what CI relies on.
import Foundation
import Testing

@Suite("every import is a declared dependency")
struct ImportCheckTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized

    private func checkImports(packagePath: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = Self.root.appendingPathComponent("scripts/check-imports")
        process.arguments = ["--package-path", packagePath]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: text, as: UTF8.self))
    }

    @Test func thisPackageDeclaresEveryImport() throws {
        let run = try checkImports(packagePath: Self.root.path)
        #expect(run.status == 0, "scripts/check-imports:\n\(run.output)")
        #expect(!run.output.contains("note:"), "declared but never imported:\n\(run.output)")
    }

    /// A package whose targets import what they do not declare (a regular target, a system
    /// library and, from a test, an executable), beside imports that must not count: declared
    /// ones, ones in comments and strings, and files under `exclude:`.
    @Test func undeclaredImportsFail() throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("check-imports-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = [
            "Package.swift": """
                // swift-tools-version:6.0
                import PackageDescription
                let package = Package(name: "Fake", targets: [
                    .systemLibrary(name: "CFake"),
                    .target(name: "Low"),
                    .target(name: "Mid", dependencies: ["Low"]),
                    .target(name: "High", dependencies: ["Mid"], path: "Custom", exclude: ["Skipped"]),
                    .executableTarget(name: "tool", dependencies: ["Mid"]),
                    .testTarget(name: "HighTests", dependencies: ["High"]),
                ])
                """,
            "Sources/CFake/module.modulemap": "module CFake [system] {\n    header \"shim.h\"\n}\n",
            "Sources/CFake/shim.h": "",
            "Sources/Low/Low.swift": "public let low = 1\n",
            "Sources/Mid/Mid.swift": "import Low\n// import CFake\n/* import tool */\nlet s = \"\"\"\nimport High\n\"\"\"\n",
            "Custom/High.swift": "import Foundation\n@_exported import Mid\nimport Low\nimport CFake\n",
            "Custom/Skipped/Old.swift": "import tool\n",
            "Sources/tool/main.swift": "import Mid\n",
            "Tests/HighTests/HighTests.swift": "@testable import High\n@testable import tool\n",
        ]
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }

        let run = try checkImports(packagePath: folder.path)
        #expect(run.status == 1, "scripts/check-imports:\n\(run.output)")
        let problems = run.output.split(separator: "\n").filter { $0.contains("without declaring it") }
            .map { $0.components(separatedBy: " (first at")[0] }
        #expect(problems == [
            "High imports CFake without declaring it",
            "High imports Low without declaring it",
            "HighTests imports tool without declaring it",
        ], "scripts/check-imports:\n\(run.output)")
    }
}
