// Atomic whole-file writes: a temporary file in the same folder is written, flushed, fsynced
// and renamed over the target, so a crash leaves the old file or the new one, never half a
// file. Faults can be injected for tests. Knows nothing about the file format.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files atomically and turns `errno` into messages that say what to do.
///
///     try AtomicWriter().write(bytes, to: "run.ddsession")
public struct AtomicWriter {
    /// Faults to simulate (tests): the operating-system error a step should fail with.
    public struct Faults {
        /// `errno` for creating the temporary file (EACCES, EROFS...).
        public var create: Int32?
        /// `errno` for the write that would pass `afterBytes` bytes (ENOSPC for a full disk).
        public var write: (errno: Int32, afterBytes: Int)?
        /// `errno` for fsync (EIO).
        public var fsync: Int32?
        public init(create: Int32? = nil, write: (errno: Int32, afterBytes: Int)? = nil, fsync: Int32? = nil) {
            self.create = create
            self.write = write
            self.fsync = fsync
        }
    }

    public var faults: Faults
    /// Largest piece handed to one write(2); small in tests so a fault can land mid-file.
    public var chunkSize: Int

    public init(faults: Faults = Faults(), chunkSize: Int = 1 << 20) {
        self.faults = faults
        self.chunkSize = Swift.max(1, chunkSize)
    }

    /// Replaces `path` with `bytes`. On any failure the temporary file is removed and `path`
    /// is untouched. `what` names the file in messages ("session file", "checkpoint"; empty: just
    /// the path).
    public func write(_ bytes: [UInt8], to path: String, what: String = "file") throws {
        let subject = what.isEmpty ? "'\(path)'" : "\(what) '\(path)'"
        func fail(_ message: String) -> PersistenceError { PersistenceError(.io, "cannot write \(subject): \(message)") }
        guard !path.isEmpty else { throw PersistenceError(.io, "cannot write \(what.isEmpty ? "a file" : what): the path is empty") }
        guard !path.hasSuffix("/") else { throw fail("the path names a folder, not a file") }
        let folder = AtomicWriter.parentFolder(of: path)
        var st = stat()
        if stat(folder, &st) != 0 {
            let e = errno
            if e == ENOENT { throw fail("folder '\(folder)' does not exist (HINT: create it first)") }
            throw fail(AtomicWriter.reason(e))
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw fail("'\(folder)' is not a folder") }
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { throw fail("it is a folder") }

        let (fd, temp) = try createTemporary(beside: path, folder: folder, fail: fail)
        do {
            try writeAll(fd, bytes, fail: fail)
            let syncError = faults.fsync ?? (fsync(fd) == 0 ? nil : errno)
            if let e = syncError { throw fail(AtomicWriter.reason(e)) }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        guard close(fd) == 0 else {
            let e = errno
            unlink(temp)
            throw fail(AtomicWriter.reason(e))
        }
        guard rename(temp, path) == 0 else {
            let e = errno
            unlink(temp)
            throw fail(AtomicWriter.reason(e))
        }
        // Make the rename itself durable; a folder that cannot be opened or synced is not an
        // error (the file is complete either way).
        let dir = open(folder, O_RDONLY | O_CLOEXEC)
        if dir >= 0 { _ = fsync(dir); close(dir) }
    }

    /// Writes every byte, retrying short writes and EINTR.
    func writeAll(_ fd: Int32, _ bytes: [UInt8], fail: (String) -> PersistenceError) throws {
        try bytes.withUnsafeBytes { buf in
            guard let base = buf.baseAddress else { return }
            var done = 0
            while done < buf.count {
                let n0 = Swift.min(chunkSize, buf.count - done)
                var n: Int
                if let f = faults.write, done + n0 > f.afterBytes {
                    errno = f.errno
                    n = -1
                } else {
                    n = Glibc.write(fd, base + done, n0)
                }
                if n < 0 {
                    let e = errno
                    if e == EINTR { continue }
                    if e == ENOSPC { throw fail("the disk is full (HINT: free some space; the previous file is untouched)") }
                    throw fail(AtomicWriter.reason(e))
                }
                done += n
            }
        }
    }

    /// The folder that holds `path` (`.` for a bare file name).
    public static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// A new, exclusive temporary file in `folder` (same file system, so rename is atomic).
    private func createTemporary(beside path: String, folder: String, fail: (String) -> PersistenceError) throws -> (Int32, String) {
        if let e = faults.create { throw fail(AtomicWriter.reason(e)) }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        for attempt in 0..<100 {
            let temp = "\(folder)/.\(name).tmp-\(getpid())-\(attempt)"
            let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 { return (fd, temp) }
            let e = errno
            if e == EEXIST { continue }
            throw fail(AtomicWriter.reason(e))
        }
        throw fail("could not create a temporary file in '\(folder)'")
    }

    /// A short, lower-case reason for an `errno` value.
    public static func reason(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: return "permission denied (HINT: choose a folder you can write to)"
        case ENOSPC: return "the disk is full (HINT: free some space; the previous file is untouched)"
        case EROFS: return "the file system is read-only (HINT: choose another folder)"
        case ENOTDIR: return "a part of the path is not a folder"
        case EISDIR: return "it is a folder"
        default: return String(cString: strerror(code))
        }
    }
}
