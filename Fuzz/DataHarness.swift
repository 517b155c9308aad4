// Fuzz targets `idx` and `cifar`: the data-set file readers (IDX images and labels, CIFAR
// records and class names), raw or gzip. A split that loads must be consistent.
import CZlib
import Datasets
import Foundation

enum IDXHarness {
    static let target = FuzzTarget(
        name: "idx", summary: "IDX image and label files (raw or gzip) into a split",
        maxLength: 2048, run: run, seeds: seeds)

    /// Input: a flag byte (bit 0: class count 10, else taken from the labels), the labels
    /// file's length (2 bytes, little-endian), the labels file, then the images file.
    static func run(_ input: [UInt8]) {
        guard input.count >= 3 else { return }
        let labelLength = min(Int(input[1]) | Int(input[2]) << 8, input.count - 3)
        let labels = ScratchFile.write(Array(input[3..<(3 + labelLength)]), name: "labels-idx1-ubyte")
        let images = ScratchFile.write(Array(input[(3 + labelLength)...]), name: "images-idx3-ubyte")
        do {
            let split = try IDXReader.readSplit(images: images, labels: labels, classCount: input[0] & 1 != 0 ? 10 : nil,
                                                normalization: Normalization(mean: [0.5], std: [0.25]))
            FuzzTarget.require(split.images.shape.count == 4 && split.images.shape[0] == split.labels.count,
                               "idx: \(split.labels.count) labels for images \(split.images.shape)")
        } catch {
            FuzzTarget.requireMessage(error, "idx")
        }
    }

    static func idx(_ dims: [Int], _ payload: [UInt8]) -> [UInt8] {
        [0, 0, 8, UInt8(dims.count)] + dims.flatMap { d in (0..<4).reversed().map { UInt8((d >> (8 * $0)) & 0xFF) } } + payload
    }

    static func input(flags: UInt8, labels: [UInt8], images: [UInt8]) -> [UInt8] {
        [flags, UInt8(labels.count & 0xFF), UInt8(labels.count >> 8)] + labels + images
    }

    static func seeds() -> [(String, [UInt8])] {
        let labels = idx([5], [0, 1, 2, 1, 0])
        let images = idx([5, 4, 3], (0..<60).map { UInt8($0 * 4) })
        return [
            ("idx-raw", input(flags: 0, labels: labels, images: images)),
            ("idx-classes", input(flags: 1, labels: labels, images: images)),
            ("idx-gzip", input(flags: 0, labels: Gzip.compress(labels), images: Gzip.compress(images))),
            ("idx-empty", input(flags: 1, labels: idx([0], []), images: idx([0, 2, 2], []))),
        ]
    }
}

enum CIFARHarness {
    static let target = FuzzTarget(
        name: "cifar", summary: "CIFAR-10/100 record files (raw or gzip) and class-name files",
        maxLength: 8192, run: run, seeds: seeds)

    /// Input: a flag byte (bit 0: CIFAR-100's two label bytes; bit 1: read the rest as a
    /// class-name file too), then the record file.
    static func run(_ input: [UInt8]) {
        guard let flags = input.first else { return }
        let path = ScratchFile.write(Array(input.dropFirst()), name: "data_batch.bin")
        let labelBytes = flags & 1 != 0 ? 2 : 1
        do {
            let split = try CIFARReader.readSplit(files: [path], labelBytes: labelBytes, classCount: labelBytes == 1 ? 10 : 100,
                                                  normalization: Normalization(mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]))
            FuzzTarget.require(split.images.shape == [split.labels.count, 3, 32, 32], "cifar: images \(split.images.shape) for \(split.labels.count) labels")
        } catch {
            FuzzTarget.requireMessage(error, "cifar")
        }
        if flags & 2 != 0 {
            do { _ = try CIFARReader.classNames(file: path, expected: 10) } catch { FuzzTarget.requireMessage(error, "cifar names") }
        }
    }

    static func seeds() -> [(String, [UInt8])] {
        let pixels = (0..<CIFARReader.imageBytes).map { UInt8($0 % 251) }
        let ten = [3] + pixels + [9] + pixels.reversed()
        let hundred = [19, 99] + pixels
        let names = Array("airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n".utf8)
        return [
            ("cifar10", [0] + ten), ("cifar100", [1] + hundred), ("cifar10-gzip", [0] + Gzip.compress(ten)),
            ("names", [2] + names),
        ]
    }
}

/// gzip compression for seed files (the program itself only decompresses).
enum Gzip {
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        // 15 + 16: window of 32 KiB with the gzip wrapper.
        guard deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            fatalError("zlib: deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        var input = bytes
        let status = input.withUnsafeMutableBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf -> Int32 in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        precondition(status == Z_STREAM_END, "zlib: deflate did not finish")
        return Array(out.prefix(Int(stream.total_out)))
    }
}
