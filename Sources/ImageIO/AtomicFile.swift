// AtomicFile: whole-file reads (Persistence.RegularFile) and atomic whole-file writes
// (Persistence.AtomicWriter) with ImageIO's messages. Knows nothing about PNG.
import Glibc
import Persistence

/// Reads and writes whole files with POSIX calls so every failure carries its `errno` reason.
enum AtomicFile {
    /// The bytes of the regular file at `path`; a FIFO, device or folder is refused by name
    /// before anything blocks (Persistence.RegularFile).
    static func read(_ path: String, op: String) throws -> [UInt8] {
        do {
            return try RegularFile.read(path)
        } catch .missing {
            throw ImageIOError("\(op): no such file '\(path)' (HINT: check the path and the current folder)")
        } catch .system(let e) {
            throw ImageIOError("\(op): cannot open '\(path)': \(reason(e))")
        } catch {
            throw ImageIOError("\(op): cannot read '\(path)': \(error.reason)")
        }
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
