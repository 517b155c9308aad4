// Whole-file reads into byte arrays, with transparent gzip decompression through zlib.
// It knows nothing about any data format; readers parse the bytes it returns.
import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads files into memory, gunzipping them when they start with the gzip magic bytes.
public enum FileBytes {
    /// The bytes of the file at `path`, decompressed when the file is gzip.
    public static func read(_ path: String) throws -> [UInt8] {
        let raw = try readRaw(path)
        if raw.count >= 2 && raw[0] == 0x1F && raw[1] == 0x8B {
            return try gunzip(raw, path: path)
        }
        return raw
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

    /// Decompresses a complete gzip stream (several concatenated members are allowed).
    /// A stream cut short is an error naming `path`, never a silently shorter result.
    public static func gunzip(_ input: [UInt8], path: String) throws -> [UInt8] {
        // The gzip trailer's last four bytes hold the uncompressed size mod 2^32: a good
        // first capacity, grown if wrong (several members, or sizes past 4 GiB). Deflate never
        // expands more than 1032:1, which bounds the guess when the trailer is damaged.
        var capacity = 1 << 16
        if input.count >= 18 {
            let n = input.count
            let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
            capacity = max(capacity, min(isize, input.count * 1032))
        }
        var output = [UInt8](repeating: 0, count: capacity)
        var produced = 0
        var stream = z_stream()
        // 15 + 16: window of 32 KiB, gzip wrapper required.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError("\(path): zlib could not start decompression")
        }
        defer { inflateEnd(&stream) }
        try input.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress!)
            stream.avail_in = UInt32(inBuf.count)
            while true {
                if produced == output.count {
                    output.append(contentsOf: [UInt8](repeating: 0, count: max(1 << 16, output.count / 2)))
                }
                let room = min(output.count - produced, Int(UInt32.max))
                let status: Int32 = output.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress! + produced
                    stream.avail_out = UInt32(room)
                    let s = inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                    return s
                }
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    // Another member may follow; trailing zero padding is tolerated.
                    let rest = Int(stream.avail_in)
                    if rest == 0 { return }
                    let offset = inBuf.count - rest
                    if inBuf[offset...].allSatisfy({ $0 == 0 }) { return }
                    guard inflateReset(&stream) == Z_OK else {
                        throw DataError("\(path): zlib could not restart after a gzip member")
                    }
                case Z_BUF_ERROR:
                    if stream.avail_out == 0 { continue }
                    throw DataError("\(path): the gzip stream is truncated (ends after \(produced) decompressed bytes)",
                                    hint: "the file is incomplete; copy or download it again")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw DataError("\(path): corrupt gzip data (\(reason))",
                                    hint: "the file is damaged; copy or download it again")
                }
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}
