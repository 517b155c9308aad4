// Atomic whole-file writes: a temporary file in the target's folder is written, flushed, fsynced
// and renamed over the target, so a crash leaves the old file or the new one, never half a
// file. A symlink is written through (its target is replaced, the link stays); anything that
// exists and is not a regular file (device, FIFO, socket, folder) is refused before a byte is
// written. Faults can be injected for tests. Knows nothing about the file format.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Cluster

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
    /// the path). A symlink is written through: its final target is replaced (temporary file in
    /// the target's folder) and the link is kept. An existing target keeps its permissions.
    ///
    /// In an MPI job only rank 0 writes; the other ranks wait for it and throw its error if it
    /// failed (`Communicator.onRoot`), so every rank sees the file written and takes the same path.
    public func write(_ bytes: [UInt8], to path: String, what: String = "file") throws {
        try World.shared.onRoot { try writeHere(bytes, to: path, what: what) }
    }

    private func writeHere(_ bytes: [UInt8], to path: String, what: String) throws {
        let fail = AtomicWriter.failure(path, what)
        let target = try AtomicWriter.target(of: path, what: what)
        let (fd, temp) = try createTemporary(beside: target.path, folder: target.folder, fail: fail)
        do {
            // The permission bits, not set-user/group-ID: the content is new.
            if let mode = target.mode { _ = fchmod(fd, mode & 0o777) }
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
        guard rename(temp, target.path) == 0 else {
            let e = errno
            unlink(temp)
            throw fail(AtomicWriter.reason(e))
        }
        // Make the rename itself durable; a folder that cannot be opened or synced is not an
        // error (the file is complete either way).
        let dir = open(target.folder, O_RDONLY | O_CLOEXEC)
        if dir >= 0 { _ = fsync(dir); close(dir) }
    }

    /// Checks, without changing anything, that `write` could replace `path`: the target (after
    /// following symlinks) is a regular file or absent, its folder exists and a file can be
    /// created there (a temporary file is made and removed at once). Long runs call this before
    /// their first step, so a checkpoint path that cannot be written fails in a second, not after
    /// hours.
    public func checkWritable(_ path: String, what: String = "file") throws {
        let fail = AtomicWriter.failure(path, what)
        let target = try AtomicWriter.target(of: path, what: what)
        let (fd, temp) = try createTemporary(beside: target.path, folder: target.folder, fail: fail)
        close(fd)
        unlink(temp)
    }

    /// Where a write to `path` lands: the final target of any symlinks, its folder, and the
    /// permission bits of the file it replaces (nil when there is none yet).
    public struct Target: Equatable {
        public var path: String
        public var folder: String
        public var mode: mode_t?
    }

    static func failure(_ path: String, _ what: String) -> (String) -> PersistenceError {
        let subject = what.isEmpty ? "'\(path)'" : "\(what) '\(path)'"
        return { message in PersistenceError(.io, "cannot write \(subject): \(message)") }
    }

    /// The file a write to `path` replaces, after following symlinks (at most 40, as the
    /// kernel). Refuses, naming it, anything there that is not a regular file, and a missing or
    /// non-folder parent; nothing is written.
    public static func target(of path: String, what: String = "file") throws -> Target {
        let fail = failure(path, what)
        guard !path.isEmpty else { throw PersistenceError(.io, "cannot write \(what.isEmpty ? "a file" : what): the path is empty") }
        guard !path.hasSuffix("/") else { throw fail("the path names a folder, not a file") }
        var current = path
        for _ in 0..<40 {
            let folder = parentFolder(of: current)
            var st = stat()
            if stat(folder, &st) != 0 {
                let e = errno
                if e == ENOENT { throw fail("folder '\(folder)' does not exist (HINT: create it first)") }
                throw fail(reason(e))
            }
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw fail("'\(folder)' is not a folder") }
            let via = current == path ? "" : " (the target of the symlink '\(path)')"
            if lstat(current, &st) != 0 {
                let e = errno
                if e == ENOENT { return Target(path: current, folder: folder, mode: nil) }
                throw fail(reason(e))
            }
            switch st.st_mode & S_IFMT {
            case S_IFREG:
                return Target(path: current, folder: folder, mode: st.st_mode)
            case S_IFLNK:
                guard let link = readLink(current) else { throw fail("cannot read the symlink '\(current)'") }
                current = link.hasPrefix("/") ? link : (folder == "/" ? "/" : folder + "/") + link
                while current.hasSuffix("/") && current.count > 1 { current.removeLast() }
            case S_IFDIR:
                throw fail(current == path ? "it is a folder" : "'\(current)'\(via) is a folder")
            default:
                let kind = kindName(st.st_mode)
                let subject = current == path ? "it is \(kind)" : "'\(current)'\(via) is \(kind)"
                throw fail("\(subject), not a regular file; it is left as it is (HINT: give the path of a regular file)")
            }
        }
        throw fail("too many levels of symlinks")
    }

    /// "a character device", "a named pipe (FIFO)"...: what a file of `mode` is, for messages.
    public static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: return "a regular file"
        case S_IFDIR: return "a folder"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symlink"
        default: return "a special file"
        }
    }

    /// The text of the symlink at `path`.
    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
