// AtomicFile: whole-file reads and atomic whole-file writes (temporary file in the same folder,
// fsync, rename) with errno turned into precise messages. Knows nothing about PNG.
import Glibc

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

    /// Writes `bytes` to `path` all at once: a temporary file beside it is written, flushed and
    /// renamed over `path`, so readers see the old file or the new one, never half a file.
    /// On any failure the temporary file is removed and `path` is untouched.
    static func write(_ bytes: [UInt8], to path: String, op: String) throws {
        guard !path.isEmpty else { throw ImageIOError("\(op): the output path is empty") }
        guard !path.hasSuffix("/") else {
            throw ImageIOError("\(op): cannot write '\(path)': the path names a folder, not a file")
        }
        let folder = parentFolder(of: path)
        var st = stat()
        if stat(folder, &st) != 0 {
            let e = errno
            if e == ENOENT {
                throw ImageIOError("\(op): cannot write '\(path)': folder '\(folder)' does not exist (HINT: create it first)")
            }
            throw ImageIOError("\(op): cannot write '\(path)': \(reason(e))")
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            throw ImageIOError("\(op): cannot write '\(path)': '\(folder)' is not a folder")
        }
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            throw ImageIOError("\(op): cannot write '\(path)': it is a folder")
        }

        let (fd, temp) = try createTemporary(beside: path, op: op)
        do {
            try writeAll(fd, bytes, path: path, op: op)
            guard fsync(fd) == 0 else { throw ImageIOError("\(op): cannot write '\(path)': \(reason(errno))") }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        guard close(fd) == 0 else {
            let e = errno
            unlink(temp)
            throw ImageIOError("\(op): cannot write '\(path)': \(reason(e))")
        }
        guard rename(temp, path) == 0 else {
            let e = errno
            unlink(temp)
            throw ImageIOError("\(op): cannot write '\(path)': \(reason(e))")
        }
    }

    /// Writes every byte to `fd`, retrying short writes; a full disk (`ENOSPC`) is an error.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String, op: String) throws {
        try bytes.withUnsafeBytes { buf in
            guard let base = buf.baseAddress else { return }
            var done = 0
            while done < buf.count {
                let n = Glibc.write(fd, base + done, buf.count - done)
                if n < 0 {
                    let e = errno
                    if e == EINTR { continue }
                    if e == ENOSPC {
                        throw ImageIOError("\(op): cannot write '\(path)': the disk is full (HINT: free some space; no file was written)")
                    }
                    throw ImageIOError("\(op): cannot write '\(path)': \(reason(e))")
                }
                done += n
            }
        }
    }

    /// The folder that holds `path` (`.` for a bare file name).
    static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// Opens a new, exclusive temporary file in the same folder as `path` (same file system, so
    /// the final rename is atomic).
    private static func createTemporary(beside path: String, op: String) throws -> (Int32, String) {
        let folder = parentFolder(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        for attempt in 0..<100 {
            let temp = "\(folder)/.\(name).tmp-\(getpid())-\(attempt)"
            let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 { return (fd, temp) }
            let e = errno
            if e == EEXIST { continue }
            throw ImageIOError("\(op): cannot write '\(path)': \(reason(e))")
        }
        throw ImageIOError("\(op): cannot write '\(path)': could not create a temporary file in '\(folder)'")
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
