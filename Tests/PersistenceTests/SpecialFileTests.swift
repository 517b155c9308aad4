// Writing and reading where the path is not a plain file: a named pipe, a folder, a device, a
// symlink (written through, the link kept). Devices are only probed through the check that
// runs before any write, so a regression can never replace anything under /dev.
import Foundation
import Persistence
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A named pipe in a fresh folder.
func makeFIFO() throws -> String {
    let path = try temporaryFolder() + "/pipe"
    guard mkfifo(path, 0o644) == 0 else { throw PersistenceError(.io, "mkfifo failed: \(errno)") }
    return path
}

/// After two seconds, opens and closes the write end of `fifo`, so a reader wrongly blocked in
/// open(2) gets end-of-file and the test fails instead of hanging. Does nothing to a correct reader.
func unblockLater(_ fifo: String) {
    Thread.detachNewThread {
        Thread.sleep(forTimeInterval: 2)
        let fd = open(fifo, O_WRONLY | O_NONBLOCK)
        if fd >= 0 { close(fd) }
    }
}

func fileType(_ path: String) -> mode_t {
    var st = stat()
    return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0
}

func writeError(_ body: () throws -> Void) -> String {
    do { try body(); return "" } catch { return "\(error)" }
}

@Suite struct SpecialFileTests {
    @Test func aNamedPipeIsRefusedAndKept() throws {
        let fifo = try makeFIFO()
        let message = writeError { try AtomicWriter().write([1, 2], to: fifo, what: "session file") }
        #expect(message == "cannot write session file '\(fifo)': it is a named pipe (FIFO), not a regular file; it is left as it is (HINT: give the path of a regular file)")
        #expect(fileType(fifo) == S_IFIFO)
        #expect(files(in: AtomicWriter.parentFolder(of: fifo)) == ["pipe"])
    }

    @Test func aFolderIsRefused() throws {
        let folder = try temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/d", withIntermediateDirectories: false)
        #expect(writeError { try AtomicWriter().write([1], to: folder + "/d") } == "cannot write file '\(folder)/d': it is a folder")
        #expect(fileType(folder + "/d") == S_IFDIR)
    }

    @Test func aDeviceIsRefusedBeforeAnyWrite() throws {
        // Only the check that precedes every write is called: nothing can touch /dev/full.
        for device in ["/dev/full", "/dev/null"] where fileType(device) == S_IFCHR {
            #expect(writeError { _ = try AtomicWriter.target(of: device, what: "session file") }
                == "cannot write session file '\(device)': it is a character device, not a regular file; it is left as it is (HINT: give the path of a regular file)")
            #expect(writeError { try AtomicWriter().checkWritable(device) }.contains("character device"))
            #expect(fileType(device) == S_IFCHR)
        }
    }

    @Test func aSymlinkIsWrittenThroughToItsTarget() throws {
        let a = try temporaryFolder(), b = try temporaryFolder()
        try AtomicWriter().write([1], to: b + "/real.ddsession")
        chmod(b + "/real.ddsession", 0o600)
        #expect(symlink(b + "/real.ddsession", a + "/link.ddsession") == 0)
        #expect(symlink("link.ddsession", a + "/relative.ddsession") == 0)
        try AtomicWriter().write([2, 3], to: a + "/link.ddsession")
        #expect(fileType(a + "/link.ddsession") == S_IFLNK)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: b + "/real.ddsession"))) == [2, 3])
        try AtomicWriter().write([4], to: a + "/relative.ddsession")
        #expect(fileType(a + "/relative.ddsession") == S_IFLNK)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: b + "/real.ddsession"))) == [4])
        #expect(files(in: a) == ["link.ddsession", "relative.ddsession"])
        #expect(files(in: b) == ["real.ddsession"])
        var st = stat()
        #expect(stat(b + "/real.ddsession", &st) == 0 && st.st_mode & 0o777 == 0o600, "the replaced file keeps its permissions")
        #expect(try AtomicWriter.target(of: a + "/relative.ddsession").path == b + "/real.ddsession")
    }

    @Test func aDanglingSymlinkCreatesItsTarget() throws {
        let a = try temporaryFolder()
        #expect(symlink("new.ddsession", a + "/link") == 0)
        try AtomicWriter().write([5], to: a + "/link")
        #expect(fileType(a + "/link") == S_IFLNK)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: a + "/new.ddsession"))) == [5])
    }

    @Test func aSymlinkToAPipeOrALoopIsRefused() throws {
        let fifo = try makeFIFO()
        let a = try temporaryFolder()
        #expect(symlink(fifo, a + "/link") == 0)
        #expect(writeError { try AtomicWriter().write([1], to: a + "/link") }
            == "cannot write file '\(a)/link': '\(fifo)' (the target of the symlink '\(a)/link') is a named pipe (FIFO), not a regular file; it is left as it is (HINT: give the path of a regular file)")
        #expect(fileType(a + "/link") == S_IFLNK)
        #expect(fileType(fifo) == S_IFIFO)
        #expect(symlink("loop", a + "/loop") == 0)
        #expect(writeError { try AtomicWriter().write([1], to: a + "/loop") }.hasSuffix("too many levels of symlinks"))
    }

    @Test func checkWritableChangesNothing() throws {
        let folder = try temporaryFolder()
        try AtomicWriter().checkWritable(folder + "/x.ckpt")
        #expect(files(in: folder) == [])
        #expect(writeError { try AtomicWriter().checkWritable(folder + "/no/x.ckpt") }.contains("does not exist"))
        #expect(writeError { try AtomicWriter(faults: .init(create: EROFS)).checkWritable(folder + "/x.ckpt") }.contains("read-only"))
    }

    @Test func readingAPipeIsRefusedWithoutBlocking() throws {
        let fifo = try makeFIFO()
        unblockLater(fifo)
        #expect(throws: PersistenceError(.io, "cannot read session file '\(fifo)': it is a named pipe (FIFO), not a regular file")) {
            _ = try ArchiveFile.read(Sample.self, kind: "session", from: fifo)
        }
        #expect(throws: RegularFile.Failure.notRegular(kind: "a folder")) { _ = try RegularFile.read(AtomicWriter.parentFolder(of: fifo)) }
        #expect(throws: RegularFile.Failure.missing) { _ = try RegularFile.read(fifo + ".none") }
        if fileType("/dev/null") == S_IFCHR {
            #expect(throws: RegularFile.Failure.notRegular(kind: "a character device")) { _ = try RegularFile.read("/dev/null") }
        }
    }
}
