// Sequential reads from one file, gunzipped on the fly when it starts with the gzip magic bytes:
// a reader takes as many bytes as a header declares, so memory stays bounded by what it takes,
// whatever the file holds. It knows nothing about any data format.
import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read front to back, raw or gzip (several concatenated members are allowed).
///
///     let s = try ByteStream(path: "train-labels-idx1-ubyte.gz")
///     let header = try s.read(8)          // only these bytes are inflated
///     let extra = try s.remaining(upTo: 1 << 16)
public final class ByteStream {
    public let path: String
    /// Whether the file is gzip (decompressed as it is read).
    public let isGzip: Bool
    /// The file's size on disk.
    public let fileSize: Int
    /// Bytes handed out so far (decompressed).
    public private(set) var position = 0

    /// Zero bytes tolerated after the last gzip member (tape-block padding); more is an error.
    public static let maxPadding = 1 << 20

    private let fd: Int32
    private let zs: UnsafeMutablePointer<z_stream>
    private let chunk = 1 << 16
    private let input: UnsafeMutablePointer<UInt8>
    /// Compressed bytes read from the file so far.
    private var consumed = 0
    /// The current gzip member ended; what follows is another member, zero padding or nothing.
    private var memberEnded = false
    private var finished = false

    public init(path: String) throws {
        self.path = path
        // O_NONBLOCK: opening a named pipe must not wait for a writer; fstat refuses it below.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw DataError("\(path): cannot open (\(String(cString: strerror(errno))))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw DataError("\(path): cannot read its size (\(reason))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw DataError("\(path): not a regular file")
        }
        self.fd = fd
        fileSize = Int(st.st_size)
        input = .allocate(capacity: chunk)
        zs = .allocate(capacity: 1)
        zs.initialize(to: z_stream())
        var magic: [UInt8] = [0, 0]
        let got = pread(fd, &magic, 2, 0)
        isGzip = got == 2 && magic[0] == 0x1F && magic[1] == 0x8B
        // 15 + 16: window of 32 KiB, gzip wrapper required. The z_stream lives on the heap:
        // zlib keeps a pointer back to it.
        if isGzip, inflateInit2_(zs, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) != Z_OK {
            zs.deallocate(); input.deallocate(); close(fd)
            throw DataError("\(path): zlib could not start decompression")
        }
    }

    deinit {
        if isGzip { inflateEnd(zs) }
        zs.deinitialize(count: 1)
        zs.deallocate()
        input.deallocate()
        close(fd)
    }

    /// The next `n` bytes; fewer only where the data ends.
    public func read(_ n: Int) throws -> [UInt8] {
        precondition(n >= 0)
        var out = [UInt8]()
        // Grown as data arrives, so a header that declares more than the file holds costs
        // nothing; the first guess is what the file could plausibly inflate to.
        out.reserveCapacity(Swift.min(n, isGzip ? Swift.max(1 << 24, fileSize * 8) : fileSize))
        var buffer = [UInt8](repeating: 0, count: Swift.min(n, 1 << 20))
        while out.count < n {
            let want = Swift.min(n - out.count, buffer.count)
            let got = try buffer.withUnsafeMutableBytes { try fill($0.baseAddress!, want) }
            out.append(contentsOf: buffer[0..<got])
            if got < want { break }
        }
        return out
    }

    /// How many bytes follow what was read, counted up to `limit` (raw files: exactly, without
    /// reading; gzip: by inflating at most `limit` bytes into a scratch buffer).
    public func remaining(upTo limit: Int) throws -> Int {
        if !isGzip { return Swift.min(limit, fileSize - position) }
        var scratch = [UInt8](repeating: 0, count: Swift.min(limit, chunk))
        var total = 0
        while total < limit {
            let want = Swift.min(limit - total, scratch.count)
            let got = try scratch.withUnsafeMutableBytes { try fill($0.baseAddress!, want) }
            total += got
            if got < want { break }
        }
        return total
    }

    /// Writes up to `n` bytes to `dst`; fewer only where the data ends.
    private func fill(_ dst: UnsafeMutableRawPointer, _ n: Int) throws -> Int {
        guard n > 0, !finished else { return 0 }
        var done = 0
        if !isGzip {
            while done < n {
                let got = Glibc.read(fd, dst + done, n - done)
                if got < 0 && errno == EINTR { continue }
                if got < 0 { throw DataError("\(path): read failed after \(position + done) bytes (\(String(cString: strerror(errno))))") }
                if got == 0 { finished = true; break }
                done += got
            }
            position += done
            return done
        }
        let out = dst.assumingMemoryBound(to: UInt8.self)
        while done < n {
            if zs.pointee.avail_in == 0 {
                let got = try refill()
                if got == 0 {
                    if memberEnded { finished = true; break }
                    throw DataError("\(path): the gzip stream is truncated (ends after \(position + done) decompressed bytes)",
                                    hint: "the file is incomplete; copy or download it again")
                }
            }
            if memberEnded {
                guard try skipPadding() else { finished = true; break }
                guard inflateReset(zs) == Z_OK else { throw DataError("\(path): zlib could not restart after a gzip member") }
                memberEnded = false
            }
            let room = Swift.min(n - done, Int(UInt32.max))
            zs.pointee.next_out = out + done
            zs.pointee.avail_out = UInt32(room)
            let status = inflate(zs, Z_NO_FLUSH)
            done += room - Int(zs.pointee.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                continue    // more input or more room needed: the loop provides it
            case Z_STREAM_END:
                memberEnded = true
            default:
                let reason = zs.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
                throw DataError("\(path): corrupt gzip data (\(reason))", hint: "the file is damaged; copy or download it again")
            }
        }
        position += done
        return done
    }

    /// Reads the next chunk of compressed input; 0 at the end of the file.
    private func refill() throws -> Int {
        while true {
            let got = Glibc.read(fd, input, chunk)
            if got < 0 && errno == EINTR { continue }
            if got < 0 { throw DataError("\(path): read failed after \(consumed) bytes (\(String(cString: strerror(errno))))") }
            consumed += got
            zs.pointee.next_in = input
            zs.pointee.avail_in = UInt32(got)
            return got
        }
    }

    /// After a member: skips zero padding (at most `maxPadding` bytes); true when another
    /// member follows, false at the end of the file.
    private func skipPadding() throws -> Bool {
        var zeros = 0
        while true {
            if zs.pointee.avail_in == 0 {
                if try refill() == 0 { return false }
            }
            while zs.pointee.avail_in > 0 && zs.pointee.next_in.pointee == 0 {
                zs.pointee.next_in += 1
                zs.pointee.avail_in -= 1
                zeros += 1
            }
            if zs.pointee.avail_in > 0 {
                guard zeros == 0 else {
                    throw DataError("\(path): \(zeros) zero bytes, then more data, follow a gzip member at byte \(consumed - Int(zs.pointee.avail_in) - zeros)",
                                    hint: "the file is damaged; copy or download it again")
                }
                return true
            }
            if zeros > ByteStream.maxPadding {
                throw DataError("\(path): more than \(ByteStream.maxPadding) zero bytes follow its gzip data (file of \(fileSize) bytes)",
                                hint: "the file is damaged or something was appended to it; copy or download it again")
            }
        }
    }
}
