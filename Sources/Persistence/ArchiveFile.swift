// The Distillery container format shared by session files and checkpoints (docs/session-format.md):
// magic, format version, a CRC-checked JSON manifest, then raw little-endian Float32 blobs, each
// with its own CRC-32. What goes in the manifest is the caller's business.
import Foundation

/// Encodes and decodes session and checkpoint files.
///
///     var blobs = BlobTable()
///     let ref = blobs.add("x", [1, 2, 3])
///     try ArchiveFile.write(MyManifest(x: ref), kind: "session", blobs: blobs, to: "a.ddsession")
///     let (manifest, data) = try ArchiveFile.read(MyManifest.self, kind: "session", from: "a.ddsession")
///     let x = try data.values(manifest.x)
public enum ArchiveFile {
    /// The first 8 bytes: a non-ASCII byte (catches 7-bit transfers), "DDS", CR LF (catches
    /// line-ending conversion), Ctrl-Z and LF, after PNG's signature.
    public static let magic: [UInt8] = [0x89, 0x44, 0x44, 0x53, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The format version this program writes and the newest it reads.
    public static let formatVersion: UInt32 = 2
    /// Magic, version (u32), manifest length (u64), manifest CRC-32 (u32).
    public static let headerSize = 24
    /// Manifests larger than this are taken as damage rather than allocated.
    static let maxManifestBytes = 1 << 30

    /// The envelope around the caller's manifest.
    struct Envelope<Content: Codable>: Codable {
        var kind: String
        var blobs: [BlobEntry]
        var content: Content
    }

    /// The manifest's kind alone, read first.
    struct KindOnly: Codable { var kind: String }

    /// Where one blob lies in the blob area and what its CRC-32 is.
    struct BlobEntry: Codable {
        var name: String
        /// Byte offset from the start of the blob area.
        var offset: Int
        /// Number of Float32 values.
        var count: Int
        var crc32: UInt32
    }

    static func jsonEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static func jsonDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    // MARK: - Writing

    /// The bytes of a file of `kind` holding `content` and `blobs`.
    public static func encode<Content: Codable>(_ content: Content, kind: String, blobs: BlobTable) throws -> [UInt8] {
        var entries: [BlobEntry] = []
        var area: [UInt8] = []
        area.reserveCapacity(blobs.entries.reduce(0) { $0 + $1.values.count * 4 })
        for (name, values) in blobs.entries {
            let start = area.count
            #if _endian(little)
            values.withUnsafeBytes { area.append(contentsOf: $0) }
            #else
            for v in values {
                withUnsafeBytes(of: v.bitPattern.littleEndian) { area.append(contentsOf: $0) }
            }
            #endif
            let crc = area[start...].withUnsafeBytes { CRC32.checksum($0) }
            entries.append(BlobEntry(name: name, offset: start, count: values.count, crc32: crc))
        }
        let manifest: Data
        do {
            manifest = try jsonEncoder().encode(Envelope(kind: kind, blobs: entries, content: content))
        } catch {
            throw PersistenceError(.badManifest, "cannot describe the \(kind) as JSON: \(error)")
        }
        var bytes = magic
        bytes.reserveCapacity(headerSize + manifest.count + area.count)
        appendLE(&bytes, formatVersion)
        appendLE(&bytes, UInt64(manifest.count))
        appendLE(&bytes, CRC32.checksum([UInt8](manifest)))
        bytes.append(contentsOf: manifest)
        bytes.append(contentsOf: area)
        return bytes
    }

    /// Encodes and writes atomically (temporary file, fsync, rename).
    public static func write<Content: Codable>(_ content: Content, kind: String, blobs: BlobTable, to path: String,
                                               writer: AtomicWriter = AtomicWriter()) throws {
        let bytes = try encode(content, kind: kind, blobs: blobs)
        try writer.write(bytes, to: path, what: "\(kind) file")
    }

    static func appendLE<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    // MARK: - Reading

    /// Reads and checks a whole file of `kind`: every CRC is verified before anything is returned.
    public static func read<Content: Codable>(_ type: Content.Type, kind: String, from path: String) throws -> (Content, BlobStore) {
        let bytes: [UInt8]
        do {
            bytes = try RegularFile.read(path)
        } catch {
            throw PersistenceError(.io, "cannot read \(kind) file '\(path)': \(error.reason)")
        }
        return try decode(type, kind: kind, bytes: bytes, path: path)
    }

    /// Decodes `bytes` as a file of `kind`; `path` is only used in messages.
    public static func decode<Content: Codable>(_ type: Content.Type, kind: String, bytes: [UInt8],
                                                path: String) throws -> (Content, BlobStore) {
        let label = "\(kind) file '\(path)'"
        func failure(_ k: PersistenceError.Kind, _ text: String) -> PersistenceError { PersistenceError(k, "\(label): \(text)") }
        if bytes.count < magic.count {
            if !bytes.isEmpty, Array(magic.prefix(bytes.count)) == bytes {
                throw failure(.truncated, "truncated: only \(bytes.count) bytes, the header alone has \(headerSize)")
            }
            throw failure(.foreign, bytes.isEmpty ? "the file is empty, not a Distillery \(kind) file" : "not a Distillery \(kind) file (wrong magic bytes)")
        }
        guard Array(bytes.prefix(magic.count)) == magic else {
            throw failure(.foreign, "not a Distillery \(kind) file (wrong magic bytes)")
        }
        guard bytes.count >= headerSize else {
            throw failure(.truncated, "truncated: only \(bytes.count) bytes, the header alone has \(headerSize)")
        }
        let version: UInt32 = readLE(bytes, 8)
        if version > formatVersion {
            throw failure(.newerVersion, "written by a newer Distillery (format version \(version); this one reads up to \(formatVersion)) (HINT: update distill to open it)")
        }
        guard version >= 1 else { throw failure(.damaged, "damaged header: format version 0") }
        let manifestLength64: UInt64 = readLE(bytes, 12)
        guard manifestLength64 <= UInt64(maxManifestBytes) else {
            throw failure(.damaged, "damaged header: manifest length \(manifestLength64) is impossible")
        }
        let manifestLength = Int(manifestLength64)
        guard bytes.count >= headerSize + manifestLength else {
            throw failure(.truncated, "truncated: the manifest needs \(manifestLength) bytes, only \(bytes.count - headerSize) follow the header")
        }
        let manifestBytes = Array(bytes[headerSize..<(headerSize + manifestLength)])
        let expectedCRC: UInt32 = readLE(bytes, 20)
        guard CRC32.checksum(manifestBytes) == expectedCRC else {
            throw failure(.damaged, "the manifest is damaged (CRC-32 mismatch)")
        }
        // The kind first, so a checkpoint opened as a session says so plainly.
        guard let probe = try? jsonDecoder().decode(KindOnly.self, from: Data(manifestBytes)) else {
            if (try? JSONSerialization.jsonObject(with: Data(manifestBytes))) == nil {
                throw failure(.badManifest, "the manifest is not valid JSON")
            }
            throw failure(.badManifest, "the manifest does not say what kind of file this is")
        }
        guard probe.kind == kind else {
            throw failure(.foreign, "this is a \(probe.kind) file, not a \(kind) file")
        }
        let envelope: Envelope<Content>
        do {
            envelope = try jsonDecoder().decode(Envelope<Content>.self, from: Data(manifestBytes))
        } catch let e as DecodingError {
            throw failure(.badManifest, "the manifest does not have the expected layout (\(describe(e)))")
        } catch {
            throw failure(.badManifest, "the manifest is not valid JSON")
        }
        let areaStart = headerSize + manifestLength
        var areaLength = 0
        for b in envelope.blobs {
            guard b.offset >= 0, b.count >= 0, b.count <= Int.max / 8, b.offset <= Int.max / 2 else {
                throw failure(.damaged, "the manifest gives blob '\(b.name)' an impossible place")
            }
            areaLength = Swift.max(areaLength, b.offset + 4 * b.count)
        }
        let available = bytes.count - areaStart
        guard available >= areaLength else {
            throw failure(.truncated, "truncated: the data needs \(areaLength) bytes after the manifest, only \(available) are there")
        }
        guard available == areaLength else {
            throw failure(.damaged, "\(available - areaLength) unexpected bytes after the last blob")
        }
        var store: [String: [Float]] = [:]
        try bytes.withUnsafeBytes { raw in
            for b in envelope.blobs {
                let piece = UnsafeRawBufferPointer(rebasing: raw[(areaStart + b.offset)..<(areaStart + b.offset + 4 * b.count)])
                guard CRC32.checksum(piece) == b.crc32 else {
                    throw failure(.damaged, "the data of '\(b.name)' is damaged (CRC-32 mismatch)")
                }
                var values = [Float](repeating: 0, count: b.count)
                values.withUnsafeMutableBytes { out in
                    guard let base = piece.baseAddress, let target = out.baseAddress else { return }
                    target.copyMemory(from: base, byteCount: piece.count)
                }
                #if _endian(big)
                for i in values.indices { values[i] = Float(bitPattern: UInt32(littleEndian: values[i].bitPattern)) }
                #endif
                store[b.name] = values
            }
        }
        return (envelope.content, BlobStore(values: store, label: label))
    }

    static func readLE<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
        return value
    }

    /// A short account of a decoding error: which key, what was wrong.
    static func describe(_ e: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String {
            let p = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return p.isEmpty ? "at the top" : "at \(p.hasPrefix(".") ? String(p.dropFirst()) : p)"
        }
        switch e {
        case .keyNotFound(let key, let c): return "missing '\(key.stringValue)' \(path(c))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): return "\(c.debugDescription) \(path(c))"
        @unknown default: return "\(e)"
        }
    }
}
