// Whole-file reads into byte arrays, with transparent gzip decompression (ByteStream), never
// more than a stated maximum. It knows nothing about any data format; readers parse the bytes.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads files into memory, gunzipping them when they start with the gzip magic bytes.
public enum FileBytes {
    /// The bytes of the file at `path`, decompressed when the file is gzip; more than
    /// `maxBytes` of them is an error, found before reading them all (`what` names the limit).
    public static func read(_ path: String, maxBytes: Int, what: String) throws -> [UInt8] {
        let stream = try ByteStream(path: path)
        func tooLarge(_ found: String) -> DataError {
            DataError("\(path): \(found), more than \(what) (\(maxBytes) bytes)",
                      hint: "is this the right file? It may be damaged, or not of this format")
        }
        if !stream.isGzip && stream.fileSize > maxBytes { throw tooLarge("\(stream.fileSize) bytes") }
        let bytes = try stream.read(maxBytes)
        if bytes.count == maxBytes, try stream.remaining(upTo: 1) > 0 {
            throw tooLarge("it decompresses to more than \(maxBytes) bytes")
        }
        return bytes
    }

    /// The bytes of the file at `path`, as stored.
    public static func readRaw(_ path: String) throws -> [UInt8] {
        // O_NONBLOCK: opening a named pipe must not wait for a writer; fstat refuses it below.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw DataError("\(path): cannot open (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw DataError("\(path): cannot read its size (\(String(cString: strerror(errno))))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw DataError("\(path): not a regular file") }
        let size = Int(st.st_size)
        var failure: DataError?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            var done = 0
            while done < size {
                let got = Glibc.read(fd, buf.baseAddress! + done, size - done)
                if got < 0 && errno == EINTR { continue }
                if got <= 0 {
                    failure = DataError("\(path): read failed after \(done) of \(size) bytes")
                    break
                }
                done += got
            }
            count = done
        }
        if let failure { throw failure }
        return bytes
    }
}
