// The size limits docs/architecture.md sets (no source file over 400 lines; no function or
// builtin body over 60 lines in Bindings and Distillation), checked by scripts/check-limits.
import Foundation
import Testing

@Test func sourcesKeepTheirSizeLimits() throws {
    let script = Examples.root.appendingPathComponent("scripts/check-limits").path
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", script, Examples.root.path]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "\(text)")
}

@Test func theLimitCheckFindsALongFunction() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("limits-\(UUID().uuidString)")
    let folder = root.appendingPathComponent("Sources/Distillation")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let body = (0..<61).map { "    let x\($0) = \($0)" }.joined(separator: "\n")
    try "func long() {\n\(body)\n}\n".write(to: folder.appendingPathComponent("Long.swift"), atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", Examples.root.appendingPathComponent("scripts/check-limits").path, root.path]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 1)
    #expect(text.contains("Sources/Distillation/Long.swift:1: func long is 63 lines (limit 60)"), "\(text)")
}
