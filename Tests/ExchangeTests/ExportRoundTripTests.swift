// Exported sets written and read back in each format, and read by an independent reader:
// Python's standard library (zipfile, json, struct) when python3 exists, else a plain
// safetensors parse in the test. Damaged files are in ExportDamageTests.swift.
import Datasets
import Exchange
import Foundation
import Persistence
import TensorCore
import Testing

func exportFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("distill-export-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Six 1x4x4 images of three classes, normalised with mean 0.5 / std 0.25, pixels on the byte grid
/// (so the PNG folder round trip is exact), an MTT-like step size.
func sampleSet(whitened: Bool = false) throws -> ExportedSet {
    let n = 6, plane = 16
    let pixels = Tensor(unchecked: [n, 1, 4, 4], data: (0..<(n * plane)).map { Float(($0 * 37) % 256) / 255 })
    let norm = Normalization(mean: [0.5], std: [0.25])
    var meta = ExportMetadata(distillery: "test", dataset: "tiny", classes: ["zero", "one, with comma", "two"], imageShape: [1, 4, 4],
                              count: n, normalization: norm, evaluationProtocol: "mtt")
    meta.method = "mtt"; meta.seed = 7; meta.iterations = 3; meta.ipc = 2; meta.learnedStepSize = 0.0125
    meta.settings = ["syn_steps": "20"]
    var zca: ZCA?
    var images = try norm.normalized(pixels)
    if whitened {
        zca = try ZCA.fit(pixels, eps: 0.1)
        images = try zca!.whiten(pixels)
        meta.zcaEps = 0.1
    }
    return try ExportedSet(metadata: meta, images: images, labels: [0, 0, 1, 1, 2, 2], whitening: zca)
}

func close(_ a: [Float], _ b: [Float], _ tol: Float = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol * max(1, abs($1)) }
}

/// Runs python3 with `code` and `args`; nil when python3 is not there.
func python(_ code: String, _ args: [String]) throws -> String? {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    p.arguments = ["-c", code] + args
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

@Suite struct ExportRoundTripTests {
    @Test(arguments: ["set.safetensors", "set.npz", "set/"], [false, true])
    func roundTrip(name: String, whitened: Bool) throws {
        let dir = try exportFolder()
        let set = try sampleSet(whitened: whitened)
        try set.write(to: dir + "/" + name)
        let back = try ExportedSet.read(dir + "/" + name)
        #expect(back.metadata == set.metadata)
        #expect(back.labels == set.labels)
        #expect(back.images.shape == set.images.shape)
        #expect(back.images.data == set.images.data)   // a folder too: images.npy is exact
        #expect(back.whitening == set.whitening)
        let data = try back.dataset(path: dir + "/" + name)
        #expect(data.train.count == 6 && data.test.count == 0 && data.classNames == set.metadata.classes)
        #expect((data.whitening != nil) == whitened)
    }

    @Test func folderIsImageFolderShaped() throws {
        let dir = try exportFolder()
        try sampleSet().write(to: dir + "/set")
        let fm = FileManager.default
        #expect(try fm.contentsOfDirectory(atPath: dir + "/set/zero").sorted() == ["00000.png", "00001.png"])
        #expect(fm.fileExists(atPath: dir + "/set/one, with comma/00002.png"))
        let csv = try String(contentsOfFile: dir + "/set/labels.csv", encoding: .utf8)
        #expect(csv.hasPrefix("file,label,class\nzero/00000.png,0,zero\n"))
        #expect(csv.contains("\"one, with comma/00002.png\",1,\"one, with comma\"\n"))
        // Written again over itself: replaced, nothing left beside it.
        try sampleSet().write(to: dir + "/set/")
        #expect(try fm.contentsOfDirectory(atPath: dir) == ["set"])
    }

    /// safetensors parsed by the test itself: length, JSON header, offsets, little-endian floats.
    @Test func safetensorsIndependentParse() throws {
        let dir = try exportFolder()
        let set = try sampleSet()
        try set.write(to: dir + "/s.safetensors")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/s.safetensors")))
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect((8 + n) % 8 == 0)
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as! [String: Any]
        let images = header["images"] as! [String: Any]
        #expect(images["dtype"] as? String == "F32")
        #expect(images["shape"] as? [Int] == [6, 1, 4, 4])
        let off = images["data_offsets"] as! [Int]
        let floats = stride(from: 8 + n + off[0], to: 8 + n + off[1], by: 4).map { i in
            Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[i + $1]) << (8 * UInt32($1)) })
        }
        #expect(floats == set.images.data)
        let labels = header["labels"] as! [String: Any]
        #expect(labels["dtype"] as? String == "I64")
        let meta = header["__metadata__"] as! [String: String]
        #expect(meta["format"] == "pt")
        let desc = try JSONSerialization.jsonObject(with: Data(meta["distillery"]!.utf8)) as! [String: Any]
        #expect(desc["method"] as? String == "mtt")
        #expect((desc["learnedStepSize"] as? Double).map(Float.init) == 0.0125)
    }

    static let pythonReader = """
    import json, struct, sys, zipfile
    path = sys.argv[1]
    def npy(b):
        assert b[:6] == b'\\x93NUMPY' and b[6] == 1
        n = struct.unpack('<H', b[8:10])[0]
        h = eval(b[10:10 + n].decode('latin1'))
        assert (10 + n) % 64 == 0 and not h['fortran_order']
        size = 1
        for d in h['shape']: size *= d
        fmt = {'<f4': 'f', '<i8': 'q'}[h['descr']]
        return h['shape'], struct.unpack('<%d%s' % (size, fmt), b[10 + n:])
    if path.endswith('.npz'):
        z = zipfile.ZipFile(path)
        assert z.testzip() is None
        meta = json.loads(z.read('meta.json'))
        arrays = {k[:-4]: npy(z.read(k)) for k in z.namelist() if k.endswith('.npy')}
    else:
        b = open(path, 'rb').read()
        n = struct.unpack('<Q', b[:8])[0]
        h = json.loads(b[8:8 + n])
        meta = json.loads(h.pop('__metadata__')['distillery'])
        arrays = {}
        for k, v in h.items():
            s, e = v['data_offsets']
            fmt = {'F32': 'f', 'I64': 'q'}[v['dtype']]
            arrays[k] = (tuple(v['shape']), struct.unpack('<%d%s' % ((e - s) // struct.calcsize(fmt), fmt), b[8 + n + s:8 + n + e]))
    px = arrays['pixels'][1]
    print(meta['method'], meta['classes'][1], arrays['images'][0], list(arrays['labels'][1]),
          '%.4f' % min(px), '%.4f' % max(px), '%.4f' % arrays['learned_step_size'][1][0], sorted(arrays))
    """

    @Test(arguments: ["p.safetensors", "p.npz"])
    func pythonStandardLibraryReads(name: String) throws {
        let dir = try exportFolder()
        try sampleSet().write(to: dir + "/" + name)
        guard let out = try python(Self.pythonReader, [dir + "/" + name]) else { return }
        #expect(out == "mtt one, with comma (6, 1, 4, 4) [0, 0, 1, 1, 2, 2] 0.0000 1.0000 0.0125 ['images', 'labels', 'learned_step_size', 'pixels']")
    }

    @Test func formatFromPath() throws {
        #expect(try ExportedSet.format(of: "a/b.safetensors") == .safetensors)
        #expect(try ExportedSet.format(of: "a/b.NPZ") == .npz)
        #expect(try ExportedSet.format(of: "a/b/") == .folder)
        #expect(try ExportedSet.format(of: "a/b") == .folder)
        #expect(throws: DataError.self) { try ExportedSet.format(of: "a/b.pt") }
    }
}
