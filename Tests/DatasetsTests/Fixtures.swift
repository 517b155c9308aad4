// Tiny data-set files written by the tests themselves: IDX (raw and gzip), CIFAR records, and a
// scratch folder per test. No test reads anything outside its own temporary folder.
import CZlib
import Foundation
import Datasets

/// A fresh temporary folder, removed when the value is released.
final class TempDir {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "distill-data-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Creates `sub` (and parents) and returns its path.
    @discardableResult
    func folder(_ sub: String) -> String {
        let p = path + "/" + sub
        try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }

    /// Writes `bytes` to `sub` (creating parent folders) and returns the path.
    @discardableResult
    func write(_ sub: String, _ bytes: [UInt8]) -> String {
        let p = path + "/" + sub
        try? FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p, contents: Foundation.Data(bytes))
        return p
    }
}

enum Fixture {
    /// An IDX file of unsigned bytes with the given extents.
    static func idx(_ dims: [Int], _ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(dims.count)]
        for d in dims { out += [UInt8(d >> 24 & 255), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
        return out + payload
    }

    /// Deterministic pixel bytes: image i, position p.
    static func pixels(count n: Int, size: Int, salt: Int = 0) -> [UInt8] {
        (0..<(n * size)).map { UInt8(($0 * 37 + salt * 11 + $0 / size * 5) % 256) }
    }

    /// Gzip-compresses `bytes` with zlib (window bits 15 + 16 selects the gzip wrapper).
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        var input = bytes
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                deflate(&stream, Z_FINISH)
                return outBuf.count - Int(stream.avail_out)
            }
        }
        return Array(out[0..<produced])
    }

    /// Writes an IDX data set (train n images, test m images, h x w) into `folder`; labels are
    /// `i % classes`. Returns the train and test pixels.
    @discardableResult
    static func writeIDXSet(in dir: TempDir, folder: String, train n: Int = 12, test m: Int = 5, h: Int = 4, w: Int = 3,
                            classes: Int = 3, gzip gz: Bool = false) -> (train: [UInt8], test: [UInt8]) {
        let trainPixels = pixels(count: n, size: h * w, salt: 1)
        let testPixels = pixels(count: m, size: h * w, salt: 2)
        let ext = gz ? ".gz" : ""
        func put(_ name: String, _ bytes: [UInt8]) { dir.write(folder + "/" + name + ext, gz ? gzip(bytes) : bytes) }
        put("train-images-idx3-ubyte", idx([n, h, w], trainPixels))
        put("train-labels-idx1-ubyte", idx([n], (0..<n).map { UInt8($0 % classes) }))
        put("t10k-images-idx3-ubyte", idx([m, h, w], testPixels))
        put("t10k-labels-idx1-ubyte", idx([m], (0..<m).map { UInt8($0 % classes) }))
        return (trainPixels, testPixels)
    }

    /// CIFAR records: `labelBytes` label bytes (the last one is `labels[i]`) then 3072 pixels.
    static func cifarRecords(labels: [Int], labelBytes: Int, salt: Int = 0) -> [UInt8] {
        var out = [UInt8]()
        for (i, l) in labels.enumerated() {
            if labelBytes == 2 { out.append(UInt8(l % 20)) }
            out.append(UInt8(l))
            out += pixels(count: 1, size: 3072, salt: salt * 100 + i)
        }
        return out
    }

    /// A CIFAR-10 folder with two records per batch file.
    static func writeCIFAR10(in dir: TempDir, folder: String, meta: Bool = true) {
        for b in 1...5 {
            dir.write("\(folder)/data_batch_\(b).bin", cifarRecords(labels: [b, (b * 3) % 10], labelBytes: 1, salt: b))
        }
        dir.write("\(folder)/test_batch.bin", cifarRecords(labels: [9, 0, 4], labelBytes: 1, salt: 9))
        if meta {
            let names = KnownDataset.cifar10.defaultClassNames.map { $0.uppercased() }.joined(separator: "\n") + "\n\n"
            dir.write("\(folder)/batches.meta.txt", Array(names.utf8))
        }
    }
}

extension Fixture {
    /// A PNG file built byte by byte (so tests control the bit depth and colour type):
    /// `rows` are unfiltered scanlines, compressed with zlib.
    static func png(width: Int, height: Int, depth: UInt8 = 8, colour: UInt8, rows: [[UInt8]]) -> [UInt8] {
        let raw: [UInt8] = rows.flatMap { row -> [UInt8] in [0] + row }
        var size = compressBound(UInt(raw.count))
        var packed = [UInt8](repeating: 0, count: Int(size))
        compress(&packed, &size, raw, UInt(raw.count))
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", be32(width) + be32(height) + [depth, colour, 0, 0, 0])
            + chunk("IDAT", Array(packed.prefix(Int(size))))
            + chunk("IEND", [])
    }

    static func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }

    /// A PNG chunk: length, type, data, CRC-32 (zlib's) of type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        let crc = body.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }
        return be32(data.count) + body + be32(Int(crc))
    }

    /// An 8-bit PNG of `channels` (1 grey, 3 RGB, 4 RGBA) interleaved bytes.
    static func png(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> [UInt8] {
        let colour: UInt8 = [1: 0, 2: 4, 3: 2, 4: 6][channels]!
        let row = width * channels
        return png(width: width, height: height, colour: colour,
                   rows: (0..<height).map { Array(pixels[($0 * row)..<(($0 + 1) * row)]) })
    }
}
