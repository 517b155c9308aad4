// CRC-32 (the zlib / PNG polynomial) over bytes, computed by zlib's crc32. Tests compare it
// with a bitwise reference; nothing here knows about files.
import CZlib

/// CRC-32 as zlib, gzip and PNG define it.
///
///     CRC32.checksum(Array("123456789".utf8))   // 0xCBF43926
public enum CRC32 {
    /// The checksum of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = crc32(0, nil, 0)
        var rest = bytes
        // zlib takes a 32-bit length; feed large buffers in pieces.
        while !rest.isEmpty {
            let n = Swift.min(rest.count, 1 << 30)
            crc = crc32(crc, rest.baseAddress!.assumingMemoryBound(to: UInt8.self), uInt(n))
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
