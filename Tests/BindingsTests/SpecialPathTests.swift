// Files that are not plain files, from the language: save/load/image on a named pipe (refused
// by name, never a hang), save through a symlink (the link kept), checkpoint and experts paths
// checked before any work, and damaged generator states refused on load.
import Foundation
import Persistence
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A named pipe in a fresh folder; a reader wrongly blocked on it is freed after two seconds
/// (the write end is opened and closed), so a regression fails instead of hanging.
func namedPipe(_ name: String = "pipe") throws -> String {
    let path = try temporaryFolder() + "/" + name
    guard mkfifo(path, 0o644) == 0 else { throw PersistenceError(.io, "mkfifo failed: \(errno)") }
    Thread.detachNewThread {
        Thread.sleep(forTimeInterval: 2)
        let fd = open(path, O_WRONLY | O_NONBLOCK)
        if fd >= 0 { close(fd) }
    }
    return path
}

func isFIFO(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFIFO
}

@Suite struct SpecialPathTests {
    @Test func saveLoadAndImageRefuseANamedPipe() throws {
        let pipe = try namedPipe()
        #expect(failure("x = 1\nsave(\"\(pipe)\")")
            == "cannot write session file '\(pipe)': it is a named pipe (FIFO), not a regular file; it is left as it is (HINT: give the path of a regular file)")
        #expect(isFIFO(pipe))
        #expect(failure("load(\"\(pipe)\")") == "cannot read session file '\(pipe)': it is a named pipe (FIFO), not a regular file")
        #expect(failure("image(\"\(pipe)\")") == "png: cannot read '\(pipe)': it is a named pipe (FIFO), not a regular file")
        #expect(isFIFO(pipe))
        let picture = try namedPipe("p.png")
        #expect(failure("grid(zeros([1, 1, 2, 2]), \"\(picture)\")")
            == "grid: cannot write '\(picture)': it is a named pipe (FIFO), not a regular file; it is left as it is (HINT: give the path of a regular file)")
        #expect(isFIFO(picture))
    }

    @Test func saveWritesThroughASymlink() throws {
        let a = try temporaryFolder(), b = try temporaryFolder()
        #expect(symlink(b + "/work.ddsession", a + "/link.ddsession") == 0)
        #expect(run("x = 41\nsave(\"\(a)/link.ddsession\")") == "")
        #expect(run("x = 42\nsave(\"\(a)/link.ddsession\")") == "")
        var st = stat()
        #expect(lstat(a + "/link.ddsession", &st) == 0 && st.st_mode & S_IFMT == S_IFLNK, "the link stays a link")
        #expect(run("load(\"\(b)/work.ddsession\")\nprint(x)") == "42\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: b) == ["work.ddsession"])
    }

    @Test func aCheckpointOrExpertsPathIsCheckedBeforeAnyWork() throws {
        let root = try makeBandFolder()
        let pipe = try namedPipe()
        let s = Snippet()
        s.run("data = dataset(\"\(root)\")")
        // A FIFO where the checkpoint goes: refused at once, neither read (a hang) nor replaced.
        #expect(s.run("distill(data, ipc=1, iterations=2, batch_real=4, model=convnet(width=4, depth=1), checkpoint=\"\(pipe)\")")
            .contains("error: cannot write checkpoint file '\(pipe)': it is a named pipe (FIFO)"))
        #expect(s.run("train(convnet(width=4, depth=1), data, epochs=1, checkpoint=\"\(pipe)\")").contains("named pipe (FIFO)"))
        #expect(isFIFO(pipe))
        #expect(s.run("experts(data, count=1, epochs=1, model=convnet(width=4, depth=1), file=\"\(pipe)\")")
            .contains("error: cannot read experts file '\(pipe)': it is a named pipe (FIFO), not a regular file"))
        let folder = try temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/dir.ddexperts", withIntermediateDirectories: false)
        #expect(s.run("experts(data, count=1, epochs=1, file=\"\(folder)/dir.ddexperts\")").contains("it is a folder"))
    }

    @Test func anAllZeroGeneratorInASessionIsRefused() throws {
        let damaged = DamagedRunStateTests()
        let path = try damaged.savedRun()
        try damaged.rewrite(path) { $0["rng"] = .array([.string("0"), .string("0"), .string("0"), .string("0")]) }
        #expect(failure("load(\"\(path)\")")
            == "session file '\(path)': the run state of 'syn' has a generator state of all zeros, which xoshiro256** never produces (the file was altered or damaged)")
    }
}
