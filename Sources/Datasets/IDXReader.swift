// Reader for the IDX format of MNIST, Fashion-MNIST and KMNIST (LeCun's layout: two zero bytes,
// a type byte, a rank byte, big-endian UInt32 extents, then the elements), raw or gzip.
// Only unsigned-byte files are accepted; it does not know which data set it is reading.
import Foundation
import TensorCore

/// Reads IDX image and label files into normalised splits.
public enum IDXReader {
    /// The extents and payload of an IDX file of unsigned bytes with the given rank. The header
    /// is checked first (magic number, element type, rank, extents that fit in memory as Float32
    /// images, and for raw files the file's size); then exactly the declared payload is read,
    /// and what follows it is counted only up to a small probe. Memory stays bounded by the
    /// data the header declares, whatever the file holds.
    public static func read(_ path: String, rank: Int) throws -> (dims: [Int], payload: [UInt8]) {
        let stream = try ByteStream(path: path)
        let magic = try stream.read(4)
        guard magic.count == 4 else {
            throw DataError("\(path): truncated IDX file (\(magic.count) bytes, the header alone needs \(4 + 4 * rank))")
        }
        guard magic[0] == 0, magic[1] == 0 else {
            let hex = magic.map { String(format: "%02x", $0) }.joined()
            throw DataError("\(path): not an IDX file (magic number 0x\(hex), expected 0x0000080\(rank))",
                            hint: "IDX files start with two zero bytes; is this the right file, fully decompressed?")
        }
        guard magic[2] == 0x08 else {
            throw DataError("\(path): IDX element type 0x\(String(format: "%02x", magic[2])) is not supported (only unsigned bytes, 0x08)")
        }
        guard Int(magic[3]) == rank else {
            throw DataError("\(path): IDX file has \(magic[3]) dimensions, expected \(rank) (\(rank == 3 ? "images" : "labels"))")
        }
        let header = 4 + 4 * rank
        let extents = try stream.read(4 * rank)
        guard extents.count == 4 * rank else {
            throw DataError("\(path): truncated IDX header (\(4 + extents.count) of \(header) bytes)")
        }
        let dims = (0..<rank).map { d in
            extents[4 * d ..< 4 * d + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        // Extents below 2^32 each can still multiply past Int: checked step by step.
        var total = 1
        for d in dims {
            let (p, o) = total.multipliedReportingOverflow(by: d)
            guard !o, p <= Tensor.maxElements else {
                throw DataError("\(path): IDX extents \(dims.shapeText) declare more than \(Tensor.maxElements) bytes of data",
                                hint: "the header is damaged; copy or download the file again")
            }
            total = p
        }
        do {
            try MemoryLimit.check(bytes: total * MemoryLayout<Float>.stride,
                                  what: "\(path): IDX extents \(dims.shapeText), read as Float32,")
        } catch let e as TensorError {
            throw DataError(e.message)
        }
        func truncated(_ found: Int) -> DataError {
            DataError("\(path): truncated IDX file: extents \(dims.shapeText) need \(total) bytes of data, found \(found)",
                      hint: "the file is incomplete; copy or download it again")
        }
        func extra(_ n: Int, atLeast: Bool) -> DataError {
            DataError("\(path): IDX file has \(atLeast ? "at least " : "")\(n) bytes after the \(total) its extents \(dims.shapeText) promise",
                      hint: "the file is damaged, or its header is; copy or download it again")
        }
        if !stream.isGzip {
            // The size on disk says everything before a byte of data is read.
            let payload = stream.fileSize - header
            if payload < total { throw truncated(payload) }
            if payload > total { throw extra(payload - total, atLeast: false) }
        }
        let payload = try stream.read(total)
        if payload.count < total { throw truncated(payload.count) }
        let probe = 1 << 16
        let after = try stream.remaining(upTo: probe)
        if after > 0 { throw extra(after, atLeast: after == probe) }
        return (dims, payload)
    }

    /// Reads an image file and a label file into a split normalised with `normalization`.
    /// Labels must lie in `0..<classCount`; pass nil to take `max(label) + 1`, which every
    /// class below must have an item of (a gap means a stray label, not empty classes).
    public static func readSplit(images imagesPath: String, labels labelsPath: String,
                                 classCount: Int?, normalization: Normalization) throws -> DatasetSplit {
        let labels = try readLabels(labelsPath)
        let classes = try classCount ?? inferredClassCount(labels, path: labelsPath)
        if let bad = labels.firstIndex(where: { $0 >= classes }) {
            throw DataError("\(labelsPath): label \(labels[bad]) of item \(bad) is outside 0..<\(classes), the \(classes) classes of this data set",
                            hint: "the label file is damaged or belongs to another data set")
        }
        let (pixels, dims) = try readImages(imagesPath)
        guard dims[0] == labels.count else {
            throw DataError("\(imagesPath) holds \(dims[0]) images but \(labelsPath) holds \(labels.count) labels",
                            hint: "the image and label files must come from the same split")
        }
        let split = try normalizedSplit(pixels: pixels, dims: dims, labels: labels, classCount: classes,
                                        normalization: normalization)
        return split
    }

    /// The class count of labels from files that declare none: the largest label + 1, as long
    /// as every class from 0 up has an item. A gap (labels 0...9 and one 200) is an error naming
    /// the file and the first item past it.
    static func inferredClassCount(_ labels: [Int], path: String) throws -> Int {
        guard let top = labels.max() else { return 1 }
        var present = [Bool](repeating: false, count: top + 1)
        for y in labels { present[y] = true }
        guard let gap = present.firstIndex(of: false) else { return top + 1 }
        let bad = labels.firstIndex { $0 > gap }!
        let empty = present.indices.filter { !present[$0] }
        let emptyText = empty.count == 1 ? "class \(gap) has" : "\(empty.count) classes (\(gap) first) have"
        throw DataError("\(path): label \(labels[bad]) of item \(bad) would make \(top + 1) classes, but \(emptyText) no items",
                        hint: "labels must number the classes 0, 1, 2, ... without gaps; the label file may be damaged")
    }

    /// The raw pixel bytes (header removed) and extents [N, H, W] of an IDX image file.
    public static func readImages(_ path: String) throws -> (pixels: [UInt8], dims: [Int]) {
        let (dims, pixels) = try read(path, rank: 3)
        return (pixels, dims)
    }

    /// The labels of an IDX label file.
    public static func readLabels(_ path: String) throws -> [Int] {
        try read(path, rank: 1).payload.map { Int($0) }
    }

    static func normalizedSplit(pixels: [UInt8], dims: [Int], labels: [Int], classCount: Int,
                                normalization: Normalization) throws -> DatasetSplit {
        let (n, h, w) = (dims[0], dims[1], dims[2])
        guard normalization.channels == 1 else {
            throw DataError("IDX images are single-channel but the normalisation has \(normalization.channels) channels")
        }
        let data = pixels.withUnsafeBufferPointer { buf in
            normalization.convert(bytes: buf, count: n, plane: h * w) { $0 * h * w }
        }
        return try DatasetSplit(images: Tensor(unchecked: [n, 1, h, w], data: data), labels: labels, classCount: classCount)
    }

    /// The file in `folder` for a split prefix (`train`, `t10k`) and kind (`images-idx3`,
    /// `labels-idx1`), raw or gzip, with `-` or `.` before `idx`; nil when absent.
    public static func findFile(in folder: String, prefix: String, kind: String) -> String? {
        let fm = FileManager.default
        let (what, idx) = (kind.split(separator: "-")[0], kind.split(separator: "-")[1])
        for sep in ["-", "."] {
            for ext in ["", ".gz"] {
                let path = folder + "/" + prefix + "-" + what + sep + idx + "-ubyte" + ext
                if fm.fileExists(atPath: path) { return path }
            }
        }
        return nil
    }
}
