// AtomicFile: whole-file reads with errno turned into precise messages, and atomic whole-file
// writes through Persistence.AtomicWriter. Knows nothing about PNG.
import Glibc
import Persistence

/// Reads and writes whole files with POSIX calls so every failure carries its `errno` reason.
enum AtomicFile {
    /// The bytes of the regular file at `path`.
    static func read(_ path: String, op: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT {
                throw ImageIOError("\(op): no such file '\(path)' (HINT: check the path and the current folder)")
            }
            throw ImageIOError("\(op): cannot open '\(path)': \(reason(e))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ImageIOError("\(op): cannot read '\(path)': \(reason(errno))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw ImageIOError("\(op): cannot read '\(path)': it is not a regular file")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(st.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ImageIOError("\(op): cannot read '\(path)': \(reason(errno))")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// Writes `bytes` to `path` all at once through Persistence's atomic writer (temporary file
    /// beside it, fsync, rename): readers see the old file or the new one, never half a file.
    /// `writer` can inject faults (tests: a full disk).
    static func write(_ bytes: [UInt8], to path: String, op: String, writer: AtomicWriter = AtomicWriter()) throws {
        guard !path.isEmpty else { throw ImageIOError("\(op): the output path is empty") }
        do {
            try writer.write(bytes, to: path, what: "")
        } catch let error as PersistenceError {
            throw ImageIOError("\(op): \(error.message)")
        }
    }

    /// A short, lower-case reason for an `errno` value.
    static func reason(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: return "permission denied"
        case ENOSPC: return "the disk is full"
        case EROFS: return "the file system is read-only"
        case ENOTDIR: return "a part of the path is not a folder"
        case EISDIR: return "it is a folder"
        default: return String(cString: strerror(code))
        }
    }
}
