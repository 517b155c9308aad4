// Makes fuzzed session and checkpoint files get past their CRC-32 checks, so the fuzzer
// explores the manifest and blob readers instead of stopping at the checksums. The first
// input byte says what to repair: bit 0 the blobs' CRCs, bit 1 the manifest's.
import Foundation
import Persistence

enum ArchiveFixup {
    static let headerSize = ArchiveFile.headerSize

    /// The file bytes of a fuzz input (its flag byte removed, the chosen checksums repaired).
    static func file(from input: [UInt8]) -> [UInt8] {
        guard let flags = input.first else { return [] }
        var bytes = Array(input.dropFirst())
        guard flags & 3 != 0, bytes.count >= headerSize else { return bytes }
        let length = Int(readLE32(bytes, 12)) | Int(readLE32(bytes, 16)) << 32
        guard length >= 0, length <= bytes.count - headerSize else { return bytes }
        var manifest = Array(bytes[headerSize..<(headerSize + length)])
        let area = Array(bytes[(headerSize + length)...])
        if flags & 1 != 0, let repaired = repairingBlobs(manifest, area: area) { manifest = repaired }
        if flags & 2 != 0 || manifest.count != length {
            var header = Array(bytes[0..<headerSize])
            header.replaceSubrange(12..<20, with: le(UInt64(manifest.count)))
            header.replaceSubrange(20..<24, with: le(CRC32.checksum(manifest)))
            bytes = header + manifest + area
        }
        return bytes
    }

    /// The manifest with each in-range blob's `crc32` set to the CRC of its bytes.
    static func repairingBlobs(_ manifest: [UInt8], area: [UInt8]) -> [UInt8]? {
        guard var top = (try? JSONSerialization.jsonObject(with: Data(manifest))) as? [String: Any],
              let blobs = top["blobs"] as? [Any] else { return nil }
        top["blobs"] = blobs.map { entry -> Any in
            guard var blob = entry as? [String: Any], let offset = blob["offset"] as? Int, let count = blob["count"] as? Int,
                  offset >= 0, count >= 0, count <= area.count / 4, offset <= area.count - 4 * count else { return entry }
            blob["crc32"] = Int(CRC32.checksum(Array(area[offset..<(offset + 4 * count)])))
            return blob
        }
        guard let data = try? JSONSerialization.data(withJSONObject: top, options: [.sortedKeys]) else { return nil }
        return [UInt8](data)
    }

    static func readLE32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        withUnsafeBytes(of: v.littleEndian) { Array($0) }
    }

    /// Seed inputs for a file: as it is, and with every checksum repaired.
    static func seeds(_ name: String, _ file: [UInt8]) -> [(String, [UInt8])] {
        [("\(name)-raw", [0] + file), ("\(name)-fixed", [3] + file)]
    }
}
