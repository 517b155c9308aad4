// The command line's edge cases, through the real executable: several -e, code that starts
// with a dash, --out that cannot be used, a session that could not be saved (exit 70), and
// Ctrl-C stopping a batch script's plain loop at once (exit 130).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Bindings
import Foundation
import Notebook
import Persistence
import Script
import Testing

@Test func severalDashEsRunInOrder() throws {
    guard Executable.url != nil else { return }
    let run = try Executable.run(["-e", "x = 1", "-e", "x + 1", "-e", "print(\"three\")"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "2\nthree\n")
}

@Test func codeStartingWithADashIsCodeNotAnOption() throws {
    guard Executable.url != nil else { return }
    let run = try Executable.run(["-e", "-2 ** 0.5"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.hasPrefix("-1.414"))
    let two = try Executable.run(["-e", "-1", "-e", "--x = 3"])
    #expect(two.status == 65, "\(two.stderr)")  // `--x` is code too (a syntax error), not an option
}

@Test func checkWithOutIsAUsageError() throws {
    guard Executable.url != nil else { return }
    let folder = try temporaryFolder()
    try "```dd\n2 * 21\n```\n\n```text\n42\n```\n".write(toFile: folder + "/t.md", atomically: true, encoding: .utf8)
    let run = try Executable.run(["notebook", "t.md", "--check", "--out", "x.md"], directory: folder)
    #expect(run.status == 64)
    #expect(run.stderr.contains("--check does not write the notebook, so --out 'x.md' has no meaning"))
    #expect(!FileManager.default.fileExists(atPath: folder + "/x.md"))
}

@Test func outThatIsNotARegularFileIsRefusedByName() throws {
    guard Executable.url != nil else { return }
    let folder = try temporaryFolder()
    try "```dd\nprint(\"ran\")\n```\n".write(toFile: folder + "/t.md", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: folder + "/dir", withIntermediateDirectories: false)
    let dir = try Executable.run(["notebook", "t.md", "--out", "dir"], directory: folder)
    #expect(dir.status == 64)
    #expect(dir.stderr == "distill: cannot write 'dir': it is a folder (give a file name, e.g. dir/out.md)\n")
    #expect(dir.stdout == "")
    #expect(mkfifo(folder + "/fifo", 0o644) == 0)
    let fifo = try Executable.run(["notebook", "t.md", "--out", "fifo"], directory: folder)
    #expect(fifo.status == 64)
    #expect(fifo.stderr.contains("cannot write 'fifo': it is not a regular file"))
    let missing = try Executable.run(["notebook", "t.md", "--out", "nope/x.md"], directory: folder)
    #expect(missing.status == 64)
    #expect(missing.stderr == "distill: cannot write 'nope/x.md': the folder 'nope' does not exist\n")
    let underFile = try Executable.run(["notebook", "t.md", "--out", "t.md/x.md"], directory: folder)
    #expect(underFile.status == 64)
    #expect(underFile.stderr.contains("'t.md' is not a folder"))
    #expect(try String(contentsOfFile: folder + "/t.md", encoding: .utf8) == "```dd\nprint(\"ran\")\n```\n")
}

@Test func notebookOutWritesThroughASymlink() throws {
    guard Executable.url != nil else { return }
    let folder = try temporaryFolder()
    try "```dd\n1 + 1\n```\n".write(toFile: folder + "/t.md", atomically: true, encoding: .utf8)
    try "old".write(toFile: folder + "/target.md", atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: folder + "/link.md", withDestinationPath: "target.md")
    #expect(try Executable.run(["notebook", "t.md", "--out", "link.md"], directory: folder).status == 0)
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/link.md") == "target.md")
    #expect(try String(contentsOfFile: folder + "/target.md", encoding: .utf8).contains("```text\n2\n```"))
}

@Suite struct UnsavedSessionTests {
    @Test func batchExits70WhenTheSessionCouldNotBeSavedAfterRunningTheWork() throws {
        let folder = try temporaryFolder()
        let path = folder + "/s.ddsession"
        let full = AtomicWriter(faults: .init(write: (ENOSPC, 0)))
        #expect(Frontend.runCode("x = 1", sessionPath: path, writer: full) == ExitStatus.runtime)
        // Nothing changed: nothing to save, exit 0.
        #expect(Frontend.runCode("1 + 1", sessionPath: path, writer: full) == ExitStatus.ok)
        // A script that failed keeps its own status.
        #expect(Frontend.runCode("y = 2\nnope", sessionPath: path, writer: full) == ExitStatus.runtime)
        #expect(Frontend.runCode("y = (", sessionPath: path, writer: full) == ExitStatus.syntax)
        #expect(Frontend.runCode("z = 3", sessionPath: path) == ExitStatus.ok)
    }

    @Test func thePipedReplExits70WhenTheSessionCouldNotBeSaved() throws {
        guard let url = Executable.url else { return }
        let folder = try temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: false)
        let process = Process()
        process.executableURL = url
        process.arguments = ["--session", folder + "/sub/s.ddsession"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // The session file is created at start; then its folder becomes a file.
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: folder + "/sub/s.ddsession"), Date() < deadline { usleep(20_000) }
        try FileManager.default.moveItem(atPath: folder + "/sub", toPath: folder + "/gone")
        try "not a folder".write(toFile: folder + "/sub", atomically: true, encoding: .utf8)
        input.fileHandleForWriting.write(Data("x = 41\nprint(x + 1)\n".utf8))
        try input.fileHandleForWriting.close()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(out == "42\n")
        #expect(err.contains("the session was not saved"))
        #expect(process.terminationStatus == 70, "\(err)")
    }
}

@Test func oneCtrlCStopsAPlainLoopInABatchScript() throws {
    guard let url = Executable.url else { return }
    let folder = try temporaryFolder()
    try "i = 0\nprint(\"started\")\nwhile true\n  i = i + 1\nend\nprint(\"not reached\")\n"
        .write(toFile: folder + "/loop.dd", atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = url
    process.arguments = ["run", folder + "/loop.dd"]
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Wait until the loop runs (the script printed), then one SIGINT.
    let reader = output.fileHandleForReading
    var seen = Data()
    while !String(decoding: seen, as: UTF8.self).contains("started") {
        let chunk = reader.availableData
        if chunk.isEmpty { break }
        seen += chunk
    }
    kill(process.processIdentifier, SIGINT)
    let start = Date()
    let deadline = start.addingTimeInterval(10)
    while process.isRunning, Date() < deadline { usleep(20_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    #expect(Date().timeIntervalSince(start) < 5)
    seen += reader.readDataToEndOfFile()
    #expect(String(decoding: seen, as: UTF8.self) == "started\n")
    let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(err.contains("interrupted at"), "\(err)")
}

@Test func aDoubleCtrlCDuringALongStatementQuitsAt130() throws {
    guard let url = Executable.url else { return }
    let folder = try temporaryFolder()
    try "print(\"started\")\nfor i in range(50)\n  y = zeros([1500, 1500]) @ zeros([1500, 1500])\nend\n"
        .write(toFile: folder + "/long.dd", atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = url
    process.arguments = ["run", folder + "/long.dd"]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    _ = output.fileHandleForReading.availableData  // "started"
    kill(process.processIdentifier, SIGINT)
    usleep(20_000)
    kill(process.processIdentifier, SIGINT)
    let start = Date()
    while process.isRunning, Date().timeIntervalSince(start) < 10 { usleep(20_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    #expect(Date().timeIntervalSince(start) < 5)
}
