// Damaged and foreign exports: each is a DataError naming the file and what is wrong, never a
// crash or a partial set; sizes are checked before anything is allocated.
import Datasets
import Distillation
import Exchange
import Foundation
import ImageIO
import NeuralNet
import Persistence
import TensorCore
import Testing

/// The message of the error reading `path` throws (fails the test when it reads).
func readError(_ path: String) -> String {
    do {
        _ = try ExportedSet.read(path)
        Issue.record("\(path) was read")
        return ""
    } catch let e as DataError {
        return e.inlineText
    } catch {
        Issue.record("\(path): \(error) is not a DataError")
        return ""
    }
}

func write(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

/// A safetensors file with `header` as its JSON and `data` after it.
func safetensors(_ header: String, data: [UInt8] = []) -> [UInt8] {
    var out = [UInt8]()
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { out += $0 }
    return out + Array(header.utf8) + data
}

@Suite struct ExportDamageTests {
    let dir: String
    init() throws { dir = try exportFolder() }

    @Test func safetensorsHeaderLengthPastTheEnd() throws {
        let path = dir + "/a.safetensors"
        var bytes = safetensors("{}")
        bytes[0] = 200
        try write(bytes, path)
        #expect(readError(path).contains("\(path): header length 200 runs past the end of the file"))
        try write([1, 2, 3], path)
        #expect(readError(path).contains("shorter than the 8-byte header length"))
    }

    @Test func safetensorsHeaderNotJSON() throws {
        let path = dir + "/b.safetensors"
        try write(safetensors("{not json"), path)
        #expect(readError(path).contains("\(path): the header is not a JSON object"))
    }

    @Test func safetensorsOffsetsOutsideTheFile() throws {
        let path = dir + "/c.safetensors"
        try write(safetensors(#"{"images":{"dtype":"F32","shape":[1],"data_offsets":[0,4000000000]}}"#, data: [0, 0, 0, 0]), path)
        #expect(readError(path).contains("\(path): tensor 'images' has data_offsets [0, 4000000000] outside the 4 data bytes"))
    }

    @Test func safetensorsShapeOrDtypeNotMatchingBytes() throws {
        let path = dir + "/d.safetensors"
        try write(safetensors(#"{"images":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8)), path)
        #expect(readError(path).contains("tensor 'images' is F32 [3] but its data_offsets span 8 bytes"))
        try write(safetensors(#"{"images":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8)), path)
        #expect(readError(path).contains("has dtype F16; only F32 and I64 are read"))
        try write(safetensors(#"{"images":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8)), path)
        #expect(readError(path).contains("too many elements"))
    }

    @Test func safetensorsWithoutOurMetadataOrArrays() throws {
        let path = dir + "/e.safetensors"
        try write(safetensors(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), path)
        #expect(readError(path).contains("no __metadata__[\"distillery\"] description"))
        var set = try sampleSet()
        try set.write(to: path)
        // A description that lies about the count.
        set.metadata.count = 7
        let text = String(decoding: try JSONEncoder().encode(set.metadata), as: UTF8.self)
        var header = try JSONSerialization.jsonObject(with: Data(try ExportRoundTripTests.headerBytes(path))) as! [String: Any]
        header["__metadata__"] = ["distillery": text]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: header), as: UTF8.self)
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let n = original[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        try write(safetensors(json, data: Array(original[(8 + n)...])), path)
        #expect(readError(path).contains("meta says 7 images, the file holds 6"))
    }

    /// A protocol this build does not know, and DD's learned steps missing or of the wrong length.
    @Test func unknownProtocolAndBadLearnedSteps() throws {
        var set = try sampleSet()
        set.metadata.evaluationProtocol = "kip"
        try set.write(to: dir + "/p.npz")
        #expect(readError(dir + "/p.npz").contains("\(dir)/p.npz: evaluation protocol 'kip' is unknown to this distill"))
        set.metadata.evaluationProtocol = "dd"
        set.metadata.learnedSteps = LearnedSteps(steps: 2, epochs: 1, rates: [0.1, 0.2], initialization: .random, pretrainEpochs: 0,
                                                 pool: 1, model: ModelSpec(kind: .lenet), initSeed: 1)
        try set.write(to: dir + "/s.npz")
        #expect(try ExportedSet.read(dir + "/s.npz").metadata.learnedSteps?.rates == [0.1, 0.2])
        let members = try ZipArchive.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/s.npz"))), file: "s.npz")
        let kept = members.filter { $0.key != "learned_steps.npy" }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        try write(try ZipArchive.encode(kept), dir + "/s.npz")
        #expect(readError(dir + "/s.npz").contains("missing array 'learned_steps.npy'"))
        let wrong = kept + [("learned_steps.npy", NPY.encode(ExchangeArray(shape: [3], float32: [1, 2, 3])))]
        try write(try ZipArchive.encode(wrong), dir + "/s.npz")
        #expect(readError(dir + "/s.npz").contains("learned_steps is F32 [3], expected F32 [2 steps × 1 epochs]"))
    }

    /// A member whose header claims more bytes than its packed data can inflate to (found by the
    /// export fuzz target: Fuzz/crashes/export/oom-huge-member) is refused before allocating.
    @Test func npzMemberSizeBeyondItsPackedBytes() throws {
        let path = dir + "/big.npz"
        var zip = try ZipArchive.encode([("meta.json", Array(String(repeating: "{}", count: 200).utf8))])
        let central = (0..<(zip.count - 3)).first { zip[$0] == 0x50 && zip[$0 + 1] == 0x4B && zip[$0 + 2] == 1 && zip[$0 + 3] == 2 }!
        for (k, byte) in [0x00, 0xCA, 0x9A, 0x3B].enumerated() { zip[central + 24 + k] = UInt8(byte) }   // 1,000,000,000 bytes
        try write(zip, path)
        #expect(readError(path).contains("\(path): member 'meta.json' says 1000000000 bytes, more than its"))
    }

    /// Values that are not finite in the images or the ZCA arrays (found by the export fuzz
    /// target: Fuzz/crashes/export/nan-zca) are a damaged file, not a set.
    @Test func nonFiniteValuesAreRefused() throws {
        let path = dir + "/nan.npz"
        let set = try sampleSet(whitened: true)
        try set.write(to: path)
        var members = try ZipArchive.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), file: path)
        var white = try NPY.decode(members["zca_whitening.npy"]!, file: path, name: "zca_whitening").floats()
        white[3] = .nan
        white[5] = .infinity
        members["zca_whitening.npy"] = NPY.encode(ExchangeArray(shape: [16, 16], float32: white))
        try write(try ZipArchive.encode(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }), path)
        #expect(readError(path).contains("\(path): 'zca_whitening' holds 2 values that are not finite"))
    }

    @Test func npzMemberMissingOrDamaged() throws {
        let path = dir + "/f.npz"
        let set = try sampleSet()
        try set.write(to: path)
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Rename the labels member in both headers: it is then missing.
        var renamed = good
        let needle = Array("labels.npy".utf8)
        var i = 0
        while i + needle.count <= renamed.count {
            if Array(renamed[i..<(i + needle.count)]) == needle { renamed[i] = UInt8(ascii: "x") }
            i += 1
        }
        try write(renamed, path)
        #expect(readError(path).contains("\(path): missing array 'labels.npy'"))
        try write(Array(good.prefix(good.count / 2)), path)
        #expect(readError(path).contains("\(path): not a zip archive (no end-of-central-directory record)"))
        var flipped = good
        flipped[200] ^= 0xFF
        try write(flipped, path)
        let message = readError(path)
        #expect(message.contains(path) && (message.contains("CRC-32") || message.contains("inflate") || message.contains("not a .npy")))
        try write(try ZipArchive.encode([("images.npy", NPY.encode(ExchangeArray(shape: [1], float32: [1])))]), path)
        #expect(readError(path).contains("\(path): the archive has no member meta.json"))
    }

    @Test func npyShapeNotMatchingBytes() throws {
        var npy = NPY.encode(ExchangeArray(shape: [2, 2], float32: [1, 2, 3, 4]))
        npy.removeLast(4)
        #expect(throws: DataError("z.npz: member 'images.npy' is <f4 (2, 2) but holds 12 data bytes")) {
            try NPY.decode(npy, file: "z.npz", name: "images.npy")
        }
    }

    @Test func folderPngNotAnImageAndUnknownClass() throws {
        let path = dir + "/g"
        try sampleSet().write(to: path)
        try write(Array("hello".utf8), path + "/zero/00001.png")
        #expect(readError(path).contains("\(path)/zero/00001.png: not a readable image"))
        try sampleSet().write(to: path)
        var csv = try String(contentsOfFile: path + "/labels.csv", encoding: .utf8)
        csv = csv.replacingOccurrences(of: "two/00005.png,2,two", with: "two/00005.png,2,three")
        try write(Array(csv.utf8), path + "/labels.csv")
        #expect(readError(path).contains("\(path)/labels.csv:7: class 'three' (label 2) is not one of the classes in meta.json"))
        try write(Array("{\"format\": 3}".utf8), path + "/meta.json")
        #expect(readError(path).contains("\(path)/meta.json: the metadata is not a distillery export description"))
    }

    /// A PNG changed after export no longer matches images.npy: an error, until images.npy goes.
    @Test func folderPngEditedAfterExport() throws {
        let path = dir + "/e"
        let set = try sampleSet()
        try set.write(to: path)
        let black = Tensor(unchecked: [1, 4, 4], data: [Float](repeating: 0, count: 16))
        try PNGImage(tensor: black).write(to: path + "/one, with comma/00003.png")
        #expect(readError(path).contains("\(path)/images.npy: 16 pixels differ from the PNGs by more than one grey level"))
        try FileManager.default.removeItem(atPath: path + "/images.npy")
        let back = try ExportedSet.read(path)
        #expect(try back.pixels().data[(3 * 16)..<(4 * 16)].allSatisfy { abs($0) < 1e-6 })
        #expect(close(back.images.data[..<48].map { $0 }, set.images.data[..<48].map { $0 }, 1e-5))
    }

    @Test func sizesAreCheckedBeforeAllocating() throws {
        let path = dir + "/h.safetensors"
        try sampleSet().write(to: path)
        try MemoryLimit.$override.withValue(64) {
            #expect(readError(path).contains("more than the memory limit"))
        }
    }
}

extension ExportRoundTripTests {
    static func headerBytes(_ path: String) throws -> [UInt8] {
        let b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let n = b[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return Array(b[8..<(8 + n)])
    }
}
