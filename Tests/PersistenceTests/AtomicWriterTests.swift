// Atomic writes under faults: a missing or read-only folder, a full disk, a failing fsync.
// Each leaves the previous good file untouched and no temporary file behind.
import Foundation
import Persistence
import Testing
#if canImport(Glibc)
import Glibc
#endif

func files(in folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
}

@Test func writeReplacesTheFileAndLeavesNoTemporary() throws {
    let folder = try temporaryFolder()
    let path = folder + "/a.ddsession"
    try AtomicWriter().write([1, 2, 3], to: path)
    try AtomicWriter().write([4, 5], to: path)
    #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == [4, 5])
    #expect(files(in: folder) == ["a.ddsession"])
}

@Test func aFullDiskLeavesThePreviousFileUntouched() throws {
    let folder = try temporaryFolder()
    let path = folder + "/a.ddsession"
    try AtomicWriter().write(Array(repeating: 7, count: 100), to: path)
    let full = AtomicWriter(faults: .init(write: (ENOSPC, 50)), chunkSize: 16)
    #expect {
        try full.write(Array(repeating: 9, count: 200), to: path, what: "session file")
    } throws: { e in
        let p = e as? PersistenceError
        return p?.kind == .io && p?.message == "cannot write session file '\(path)': the disk is full (HINT: free some space; the previous file is untouched)"
    }
    #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == Array(repeating: 7, count: 100))
    #expect(files(in: folder) == ["a.ddsession"])
    let sync = AtomicWriter(faults: .init(fsync: EIO))
    #expect(throws: PersistenceError.self) { try sync.write([1], to: path) }
    #expect(files(in: folder) == ["a.ddsession"])
}

@Test func aMissingFolderSaysSo() throws {
    let folder = try temporaryFolder()
    let path = folder + "/no/such/a.ddsession"
    #expect(throws: PersistenceError(.io, "cannot write file '\(path)': folder '\(folder)/no/such' does not exist (HINT: create it first)")) {
        try AtomicWriter().write([1], to: path)
    }
    #expect(throws: PersistenceError.self) { try AtomicWriter().write([1], to: folder) }
}

@Test func aReadOnlyFolderIsRefused() throws {
    let folder = try temporaryFolder()
    let path = folder + "/a.ddsession"
    try AtomicWriter().write([1], to: path)
    // Permissions do not stop root, so the refusal is injected there; elsewhere it is real.
    let writer: AtomicWriter
    if geteuid() == 0 {
        writer = AtomicWriter(faults: .init(create: EROFS))
    } else {
        chmod(folder, 0o555)
        writer = AtomicWriter()
    }
    defer { chmod(folder, 0o755) }
    #expect {
        try writer.write([2], to: path)
    } throws: { e in
        (e as? PersistenceError)?.message.hasPrefix("cannot write file '\(path)': ") == true
    }
    #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == [1])
    // A folder the system refuses even to root.
    #expect(throws: PersistenceError.self) { try AtomicWriter().write([1], to: "/sys/distill-test.ddsession") }
}

@Test func writeAndReadAFileThroughTheFormat() throws {
    let folder = try temporaryFolder()
    let path = folder + "/s.ddsession"
    let (sample, blobs, _) = try sampleFile()
    try ArchiveFile.write(sample, kind: "session", blobs: blobs, to: path)
    let (back, store) = try ArchiveFile.read(Sample.self, kind: "session", from: path)
    #expect(back.seed == sample.seed)
    #expect(try store.values(back.bias) == [0.1])
    #expect(throws: PersistenceError.self) { _ = try ArchiveFile.read(Sample.self, kind: "session", from: folder + "/none") }
    #expect(throws: PersistenceError.self) { _ = try ArchiveFile.read(Sample.self, kind: "session", from: folder) }
}
