// `distill --session`: the file is created or loaded at start, saved after each command that
// changed state and only then; a failed save is reported and the session goes on; a file that
// cannot be read stops the front end before anything overwrites it.
import Bindings
import Foundation
import Notebook
import Persistence
import Script
import Testing

@Suite struct SessionFileTests {
    let folder: String
    init() throws {
        folder = NSTemporaryDirectory() + "distill-sessionfile-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    @Test func savesAfterCommandsThatChangedState() throws {
        let path = folder + "/s.ddsession"
        let session = Session.standard()
        session.output = OutputBuffer()
        let errors = OutputBuffer()
        let file = SessionFile(path: path, session: session, errors: errors)
        #expect(file.open())
        #expect(FileManager.default.fileExists(atPath: path), "created at once")
        let runner = CommandRunner(session: session, errors: errors)
        func cell(_ code: String) -> Bool {
            try? FileManager.default.removeItem(atPath: path)
            runner.run(SourceText(name: "c", text: code))
            file.saveIfChanged()
            return FileManager.default.fileExists(atPath: path)
        }
        #expect(cell("x = 41") == true)
        #expect(cell("print(x)") == false)
        #expect(cell("x = x + 1") == true)
        #expect(errors.text == "")
        let other = Session.standard()
        try other.load(from: path)
        #expect(other.globals.get("x")?.description == "42")
    }

    @Test func aReplWithASessionFileComesBackWhereItWas() throws {
        let path = folder + "/r.ddsession"
        func repl(_ lines: [String]) -> String {
            let session = Session.standard()
            let out = OutputBuffer()
            let file = SessionFile(path: path, session: session, errors: out)
            guard file.open() else { return out.text }
            let repl = Repl(session: session, input: ArrayLineSource(lines), output: out, errors: out)
            repl.sessionFile = file
            _ = repl.run()
            return out.text
        }
        #expect(repl(["seed(5)", "t = rand([2])", "def f(a) return a * 2 end"]) == "")
        let next = repl([":history", "print(f(21))", "print(rand([1]).shape)"])
        #expect(next == "[1] seed(5)\n[2] t = rand([2])\n[3] def f(a) return a * 2 end\n42\n[1]\n")
    }

    @Test func aFailedSaveIsReportedAndTheSessionGoesOn() throws {
        let path = folder + "/f.ddsession"
        let session = Session.standard()
        session.output = OutputBuffer()
        let errors = OutputBuffer()
        let file = SessionFile(path: path, session: session, errors: errors)
        #expect(file.open())
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        file.writer = AtomicWriter(faults: .init(write: (ENOSPC, 0)))
        CommandRunner(session: session, errors: errors).run(SourceText(name: "c", text: "x = 1"))
        file.saveIfChanged()
        #expect(errors.text == "distill: the session was not saved: cannot write session file '\(path)': the disk is full (HINT: free some space; the previous file is untouched)\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(session.globals.get("x")?.description == "1")
    }

    @Test func anUnreadableFileStopsBeforeItIsOverwritten() throws {
        let path = folder + "/bad.ddsession"
        try "print(1)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let errors = OutputBuffer()
        #expect(!SessionFile(path: path, session: Session.standard(), errors: errors).open())
        #expect(errors.text == "distill: cannot use session file: session file '\(path)': not a Distillery session file (wrong magic bytes)\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "print(1)\n")
        let missing = SessionFile(path: folder + "/no/such/s.ddsession", session: Session.standard(), errors: errors)
        #expect(!missing.open())
        let run = try Executable.run(["--session", path, "-e", "x = 1"])
        #expect(run.status == 66)
        #expect(run.stderr.contains("wrong magic bytes"))
    }

    @Test func runWithASessionLoadsAndSaves() throws {
        let path = folder + "/run.ddsession"
        let first = try Executable.run(["--session", path, "-e", "seed(2); x = 20"])
        #expect(first.status == 0)
        let second = try Executable.run(["run", "--session", path, "-"], stdin: "print(x + 1)\ny = x * 2\n")
        #expect(second.stdout == "21\n")
        let third = try Executable.run(["--session", path, "-e", "print(x, y)"])
        #expect(third.stdout == "20 40\n")
    }
}
