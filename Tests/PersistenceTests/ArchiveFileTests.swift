// The container format: round trips, and every kind of bad file (truncated, flipped byte,
// wrong magic, newer version, manifest not JSON, missing blobs) gives the error that says which.
import Foundation
import Persistence
import Testing

struct Sample: Codable, Equatable {
    var name: String
    var numbers: [Double]
    var seed: UInt64
    var weights: String
    var bias: String
}

func temporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("distill-persist-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A small file: two blobs, numbers that need every bit, a seed above 2^53.
func sampleFile() throws -> (Sample, BlobTable, [UInt8]) {
    var blobs = BlobTable()
    let w = blobs.add("net.weights", [1.5, -0.0, .infinity, .leastNonzeroMagnitude, 3.1415927, -2e-38])
    let b = blobs.add("net.weights", [0.1])
    let sample = Sample(name: "ünï \"quoted\"\n", numbers: [0.1, 1e300, -.infinity, .nan, 5e-324], seed: 0xFFFF_FFFF_FFFF_FFF1,
                        weights: w, bias: b)
    return (sample, blobs, try ArchiveFile.encode(sample, kind: "session", blobs: blobs))
}

func decodeError(_ bytes: [UInt8], kind: String = "session") -> PersistenceError? {
    do {
        _ = try ArchiveFile.decode(Sample.self, kind: kind, bytes: bytes, path: "f.ddsession")
        return nil
    } catch let e as PersistenceError {
        return e
    } catch {
        return PersistenceError(.io, "unexpected \(error)")
    }
}

@Test func roundTripKeepsEveryBit() throws {
    let (sample, _, bytes) = try sampleFile()
    let (back, store) = try ArchiveFile.decode(Sample.self, kind: "session", bytes: bytes, path: "f")
    #expect(back.name == sample.name)
    #expect(back.seed == sample.seed)
    #expect(back.numbers.count == 5 && back.numbers[4] == 5e-324 && back.numbers[3].isNaN && back.numbers[0] == 0.1)
    #expect(back.weights == "net.weights" && back.bias == "net.weights#2")
    let w = try store.values(back.weights)
    #expect(w.map(\.bitPattern) == [1.5, -0.0, .infinity, .leastNonzeroMagnitude, 3.1415927, -2e-38].map { (x: Float) in x.bitPattern })
    #expect(try store.values(back.bias) == [0.1])
    #expect(Array(bytes.prefix(8)) == ArchiveFile.magic)
}

@Test func headerIsLittleEndianWithTheVersion() throws {
    let (_, _, bytes) = try sampleFile()
    #expect(Array(bytes[8..<12]) == [2, 0, 0, 0])
    let manifestLength = (0..<8).reduce(0) { $0 | Int(bytes[12 + $1]) << (8 * $1) }
    let manifest = String(decoding: bytes[24..<(24 + manifestLength)], as: UTF8.self)
    #expect(manifest.contains("\"kind\":\"session\""))
    // The last blob is 0.1 as little-endian Float32.
    #expect(Array(bytes.suffix(4)) == [0xCD, 0xCC, 0xCC, 0x3D])
}

@Test func everyTruncationIsReportedAsTruncated() throws {
    let (_, _, bytes) = try sampleFile()
    for cut in [1, 5, 8, 20, 23, 24, 40, bytes.count - 30, bytes.count - 1] {
        let e = decodeError(Array(bytes.prefix(cut)))
        #expect(e?.kind == .truncated, "cut at \(cut): \(String(describing: e))")
        #expect(e?.message.contains("truncated") == true)
    }
}

@Test func aFlippedByteInABlobNamesTheVariable() throws {
    let (_, _, bytes) = try sampleFile()
    var damaged = bytes
    damaged[damaged.count - 2] ^= 0x10
    let e = decodeError(damaged)
    #expect(e?.kind == .damaged)
    #expect(e?.message == "session file 'f.ddsession': the data of 'net.weights#2' is damaged (CRC-32 mismatch)")
    var first = bytes
    first[first.count - 4 - 24 + 3] ^= 1
    #expect(decodeError(first)?.message.contains("'net.weights'") == true)
}

@Test func everyFlippedByteIsCaught() throws {
    let (_, _, bytes) = try sampleFile()
    for i in stride(from: 8, to: bytes.count, by: 1) {
        var damaged = bytes
        damaged[i] ^= 0x04
        let e = decodeError(damaged)
        #expect(e != nil, "flip at \(i) went unnoticed")
    }
}

@Test func wrongMagicAndEmptyFilesAreForeign() throws {
    let (_, _, bytes) = try sampleFile()
    var png = bytes
    png[1] = 0x50
    #expect(decodeError(png)?.kind == .foreign)
    #expect(decodeError([])?.kind == .foreign)
    #expect(decodeError(Array("x = 1\nprint(x)\n".utf8))?.message == "session file 'f.ddsession': not a Distillery session file (wrong magic bytes)")
}

@Test func aCheckpointIsNotASession() throws {
    let (_, _, bytes) = try sampleFile()
    let e = decodeError(bytes, kind: "checkpoint")
    #expect(e?.kind == .foreign)
    #expect(e?.message == "checkpoint file 'f.ddsession': this is a session file, not a checkpoint file")
}

@Test func newerVersionSaysSo() throws {
    let (_, _, bytes) = try sampleFile()
    var newer = bytes
    newer[8] = 3
    let e = decodeError(newer)
    #expect(e?.kind == .newerVersion)
    #expect(e?.message.contains("format version 3; this one reads up to 2") == true)
}

@Test func theLastReleasesVersionIsStillRead() throws {
    let (_, _, bytes) = try sampleFile()
    var older = bytes
    older[8] = 1
    #expect(decodeError(older) == nil)
}

/// A file with a chosen manifest and a correct manifest CRC.
func craft(manifest: String, area: [UInt8] = []) -> [UInt8] {
    let m = Array(manifest.utf8)
    var bytes = ArchiveFile.magic + [1, 0, 0, 0]
    bytes += (0..<8).map { UInt8((m.count >> (8 * $0)) & 0xFF) }
    let crc = CRC32.checksum(m)
    bytes += (0..<4).map { UInt8((crc >> (8 * UInt32($0))) & 0xFF) }
    return bytes + m + area
}

@Test func manifestThatIsNotJSONOrNotTheLayout() throws {
    #expect(decodeError(craft(manifest: "{kind: session"))?.kind == .badManifest)
    #expect(decodeError(craft(manifest: "{kind: session"))?.message.contains("not valid JSON") == true)
    let e = decodeError(craft(manifest: #"{"kind":"session","blobs":[],"content":{"name":"a"}}"#))
    #expect(e?.kind == .badManifest)
    #expect(e?.message.contains("missing 'numbers'") == true)
}

@Test func manifestThatNamesMissingBlobs() throws {
    let content = #"{"name":"a","numbers":[],"seed":1,"weights":"w","bias":"b"}"#
    // The blob table promises 8 bytes the file does not have.
    let short = decodeError(craft(manifest: #"{"kind":"session","blobs":[{"name":"w","offset":0,"count":2,"crc32":0}],"content":"# + content + "}"))
    #expect(short?.kind == .truncated)
    // The content refers to blobs the table does not list.
    let bytes = craft(manifest: #"{"kind":"session","blobs":[],"content":"# + content + "}")
    let (sample, store) = try ArchiveFile.decode(Sample.self, kind: "session", bytes: bytes, path: "f")
    #expect(throws: PersistenceError(.missingData, "session file 'f': the manifest names data 'w' that the file does not hold")) {
        _ = try store.values(sample.weights)
    }
    // Trailing bytes after the blobs are damage.
    #expect(decodeError(craft(manifest: #"{"kind":"session","blobs":[],"content":"# + content + "}", area: [0]))?.kind == .damaged)
}

@Test func crcMatchesTheBitwiseDefinition() {
    func reference(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    var state: UInt32 = 7
    for n in [0, 1, 3, 64, 1000] {
        let bytes = (0..<n).map { _ -> UInt8 in state = state &* 1_103_515_245 &+ 12345; return UInt8(state >> 24) }
        #expect(CRC32.checksum(bytes) == reference(bytes))
    }
}

struct Settings: Codable {
    var lr: Float
    var seed: UInt64
    var iterations: Int
    var model: Inner
    struct Inner: Codable { var width: Int; var norm: String }
}

@Test func jsonValuesNameTheFieldsThatDiffer() throws {
    let a = try JSONValue(encoding: Settings(lr: 1, seed: 0xFFFF_FFFF_FFFF_FFF1, iterations: 10, model: .init(width: 8, norm: "instance")))
    let b = try JSONValue(encoding: Settings(lr: 0.5, seed: 0xFFFF_FFFF_FFFF_FFF0, iterations: 20, model: .init(width: 16, norm: "instance")))
    #expect(a.differences(from: a).isEmpty)
    #expect(a.differences(from: b, ignoring: ["iterations"]) == [
        "lr: 1 here, 0.5 there", "model.width: 8 here, 16 there",
        "seed: 18446744073709551601 here, 18446744073709551600 there",
    ])
    let back = try ArchiveFile.decode(JSONValue.self, kind: "k", bytes: ArchiveFile.encode(a, kind: "k", blobs: BlobTable()), path: "p").0
    #expect(back == a)
}
