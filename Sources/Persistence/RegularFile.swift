// Whole-file reads that refuse, by name and before blocking, anything that is not a regular
// file: a named pipe would hang a plain open(2), a device would never end. Shared by session,
// checkpoint and expert files and by PNG reading; callers word the messages.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the bytes of regular files only.
///
///     let bytes = try RegularFile.read("run.ddsession")   // throws RegularFile.Failure
public enum RegularFile {
    /// Why a file could not be read.
    public enum Failure: Error, Equatable {
        /// Nothing at the path.
        case missing
        /// Something that is not a regular file: `kind` is "a folder", "a named pipe (FIFO)"...
        case notRegular(kind: String)
        /// The operating system refused (`errno`).
        case system(Int32)

        /// A short, lower-case reason: "no such file (HINT: ...)", "it is a named pipe (FIFO), not a regular file".
        public var reason: String {
            switch self {
            case .missing: return "no such file (HINT: check the path and the current folder)"
            case .notRegular(let kind): return "it is \(kind), not a regular file"
            case .system(let e): return AtomicWriter.reason(e)
            }
        }
    }

    /// The whole content of the regular file at `path` (symlinks followed). The path is
    /// checked with stat(2) before opening, and opened without blocking and checked again with
    /// fstat(2), so a FIFO swapped in between cannot hang the read.
    public static func read(_ path: String) throws(Failure) -> [UInt8] {
        var st = stat()
        if stat(path, &st) != 0 {
            let e = errno
            throw e == ENOENT ? .missing : .system(e)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .notRegular(kind: AtomicWriter.kindName(st.st_mode)) }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let e = errno
            throw e == ENOENT ? .missing : .system(e)
        }
        defer { close(fd) }
        guard fstat(fd, &st) == 0 else { throw .system(errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .notRegular(kind: AtomicWriter.kindName(st.st_mode)) }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(st.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { buf in
                #if canImport(Glibc)
                Glibc.read(fd, buf.baseAddress, buf.count)
                #else
                Darwin.read(fd, buf.baseAddress, buf.count)
                #endif
            }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                throw .system(e)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }
}
