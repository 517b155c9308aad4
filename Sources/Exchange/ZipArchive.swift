// The zip container of .npz files (PKWARE APPNOTE 6.3.x, the subset NumPy needs): stored or
// deflated members, CRC-32 and deflate from zlib, no zip64, encryption or multi-disk archives.
// Readers check every offset against the file and every size against the memory limit first.
import CZlib
import Datasets
import Persistence

/// Reads and writes zip archives held in memory.
///
///     let zip = try ZipArchive.encode([("a.npy", bytes)])
///     let members = try ZipArchive.decode(zip, file: "set.npz")   // [name: bytes]
public enum ZipArchive {
    /// The archive of `members`, each deflated (or stored when deflating does not shrink it).
    public static func encode(_ members: [(String, [UInt8])]) throws -> [UInt8] {
        var out = [UInt8](), central = [UInt8]()
        for (name, data) in members {
            let nameBytes = Array(name.utf8)
            let packed = try deflated(data)
            let (method, body): (UInt16, [UInt8]) = packed.count < data.count ? (8, packed) : (0, data)
            guard out.count < Int(UInt32.max), body.count < Int(UInt32.max), data.count < Int(UInt32.max) else {
                throw DataError("npz: member '\(name)' or the archive passes 4 GiB, more than a zip without zip64 holds")
            }
            let crc = CRC32.checksum(data)
            var common = [UInt8]()
            common.le16(20); common.le16(0); common.le16(method); common.le16(0); common.le16(0x21)   // version, flags, method, 00:00, 1980-01-01
            common.le32(crc); common.le32(UInt32(body.count)); common.le32(UInt32(data.count)); common.le16(UInt16(nameBytes.count)); common.le16(0)
            central.le32(0x0201_4B50); central.le16(20); central += common
            central.le16(0); central.le16(0); central.le16(0); central.le32(0); central.le32(UInt32(out.count))
            central += nameBytes
            out.le32(0x0403_4B50); out += common; out += nameBytes; out += body
        }
        let centralOffset = out.count
        out += central
        out.le32(0x0605_4B50); out.le16(0); out.le16(0); out.le16(UInt16(members.count)); out.le16(UInt16(members.count))
        out.le32(UInt32(central.count)); out.le32(UInt32(centralOffset)); out.le16(0)
        return out
    }

    /// The members of the archive `bytes`, read from `file`, each checked against its CRC-32.
    public static func decode(_ bytes: [UInt8], file: String) throws -> [String: [UInt8]] {
        let minimum = 22
        guard bytes.count >= minimum else { throw DataError("\(file): not a zip archive (\(bytes.count) bytes, no end record)") }
        var end = -1
        var i = bytes.count - minimum
        while i >= max(0, bytes.count - minimum - 0xFFFF) {
            if bytes.u32(i) == 0x0605_4B50 { end = i; break }
            i -= 1
        }
        guard end >= 0 else { throw DataError("\(file): not a zip archive (no end-of-central-directory record)", hint: "the file is truncated or damaged") }
        let count = Int(bytes.u16(end + 10))
        let centralSize = Int(bytes.u32(end + 12)), centralOffset = Int(bytes.u32(end + 16))
        guard centralOffset <= end, centralSize <= end - centralOffset else {
            throw DataError("\(file): the zip directory (offset \(centralOffset), \(centralSize) bytes) lies outside the file", hint: "the file is truncated or damaged")
        }
        var members: [String: [UInt8]] = [:]
        var p = centralOffset
        for _ in 0..<count {
            guard p + 46 <= centralOffset + centralSize, bytes.u32(p) == 0x0201_4B50 else {
                throw DataError("\(file): damaged zip directory entry at byte \(p)")
            }
            let flags = bytes.u16(p + 8), method = bytes.u16(p + 10)
            let crc = bytes.u32(p + 16), packedSize = Int(bytes.u32(p + 20)), size = Int(bytes.u32(p + 24))
            let nameLength = Int(bytes.u16(p + 28)), extra = Int(bytes.u16(p + 30)), comment = Int(bytes.u16(p + 32))
            let local = Int(bytes.u32(p + 42))
            guard p + 46 + nameLength <= bytes.count else { throw DataError("\(file): zip directory entry at byte \(p) runs past the end") }
            let name = String(decoding: bytes[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            p += 46 + nameLength + extra + comment
            guard flags & 1 == 0 else { throw DataError("\(file): member '\(name)' is encrypted") }
            guard packedSize != 0xFFFF_FFFF, size != 0xFFFF_FFFF, local != 0xFFFF_FFFF else {
                throw DataError("\(file): member '\(name)' uses zip64, which is not read", hint: "save with numpy.savez (small arrays) or export from distill")
            }
            guard local + 30 <= bytes.count, bytes.u32(local) == 0x0403_4B50 else {
                throw DataError("\(file): member '\(name)' has its local header at byte \(local), outside the file or damaged")
            }
            let dataStart = local + 30 + Int(bytes.u16(local + 26)) + Int(bytes.u16(local + 28))
            guard dataStart <= bytes.count, packedSize <= bytes.count - dataStart else {
                throw DataError("\(file): member '\(name)' (\(packedSize) bytes at \(dataStart)) runs past the end of the file", hint: "the file is truncated")
            }
            // Deflate expands at most 1032:1 (zlib's limit), a stored member not at all: a size
            // beyond that is a damaged or hostile header, refused before anything is allocated.
            guard method == 0 ? size == packedSize : size <= packedSize * 1032 + 64 else {
                throw DataError("\(file): member '\(name)' says \(size) bytes, more than its \(packedSize) packed bytes can hold", hint: "the file is damaged")
            }
            try ExchangeArray.checkMemory(bytes: size, file: file, what: "member '\(name)'")
            let packed = Array(bytes[dataStart..<(dataStart + packedSize)])
            let data: [UInt8]
            switch method {
            case 0: data = packed
            case 8: data = try inflated(packed, size: size, file: file, name: name)
            default: throw DataError("\(file): member '\(name)' is compressed with method \(method); stored and deflate are read")
            }
            guard data.count == size, CRC32.checksum(data) == crc else {
                throw DataError("\(file): member '\(name)' does not match its CRC-32 or size", hint: "the file is damaged")
            }
            members[name] = data
        }
        return members
    }

    /// Raw deflate (no zlib wrapper), as zip stores it.
    static func deflated(_ data: [UInt8]) throws -> [UInt8] {
        // zlib keeps a pointer back to its stream: it lives on the heap, at one address.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        guard deflateInit2_(stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw DataError("npz: zlib could not start compression") }
        defer { deflateEnd(stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(data.count))) + 16)
        let status = finish(stream, data, into: &out) { deflate($0, Z_FINISH) }
        guard status == Z_STREAM_END else { throw DataError("npz: zlib could not compress (status \(status))") }
        out.removeSubrange(Int(stream.pointee.total_out)...)
        return out
    }

    /// One zlib call (`deflate` or `inflate` with Z_FINISH) from all of `input` into `out`.
    static func finish(_ stream: UnsafeMutablePointer<z_stream>, _ input: [UInt8], into out: inout [UInt8],
                       _ call: (UnsafeMutablePointer<z_stream>) -> Int32) -> Int32 {
        var input = input
        return input.withUnsafeMutableBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                stream.pointee.next_in = src.baseAddress; stream.pointee.avail_in = uInt(src.count)
                stream.pointee.next_out = dst.baseAddress; stream.pointee.avail_out = uInt(dst.count)
                return call(stream)
            }
        }
    }

    /// `packed` inflated to exactly `size` bytes.
    static func inflated(_ packed: [UInt8], size: Int, file: String, name: String) throws -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        guard inflateInit2_(stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError("\(file): zlib could not start decompression")
        }
        defer { inflateEnd(stream) }
        var out = [UInt8](repeating: 0, count: size + 1)   // one spare byte shows a member longer than it says
        let status = finish(stream, packed, into: &out) { inflate($0, Z_FINISH) }
        guard status == Z_STREAM_END, Int(stream.pointee.total_out) == size else {
            throw DataError("\(file): member '\(name)' does not inflate to its \(size) bytes", hint: "the file is damaged")
        }
        out.removeLast()
        return out
    }
}

extension [UInt8] {
    mutating func le16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func le32(_ v: UInt32) { for k in 0..<4 { append(UInt8((v >> (8 * UInt32(k))) & 0xFF)) } }
    func u16(_ i: Int) -> UInt16 { UInt16(self[i]) | UInt16(self[i + 1]) << 8 }
    func u32(_ i: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(self[i + $1]) << (8 * UInt32($1)) } }
}
