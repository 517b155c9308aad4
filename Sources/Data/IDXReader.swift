// Reader for the IDX format of MNIST, Fashion-MNIST and KMNIST (LeCun's layout: two zero bytes,
// a type byte, a rank byte, big-endian UInt32 extents, then the elements), raw or gzip.
// Only unsigned-byte files are accepted; it does not know which data set it is reading.
import Foundation
import TensorCore

/// Reads IDX image and label files into normalised splits.
public enum IDXReader {
    /// The extents of an IDX file of unsigned bytes with the given rank, checking the magic
    /// number and that the payload has exactly the promised size. The payload starts at
    /// `4 + 4 * rank`.
    public static func extents(of bytes: [UInt8], rank: Int, path: String) throws -> [Int] {
        guard bytes.count >= 4 else {
            throw DataError("\(path): truncated IDX file (\(bytes.count) bytes, the header alone needs \(4 + 4 * rank))")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            let magic = bytes[0..<4].map { String(format: "%02x", $0) }.joined()
            throw DataError("\(path): not an IDX file (magic number 0x\(magic), expected 0x0000080\(rank))",
                            hint: "IDX files start with two zero bytes; is this the right file, fully decompressed?")
        }
        guard bytes[2] == 0x08 else {
            throw DataError("\(path): IDX element type 0x\(String(format: "%02x", bytes[2])) is not supported (only unsigned bytes, 0x08)")
        }
        guard Int(bytes[3]) == rank else {
            throw DataError("\(path): IDX file has \(bytes[3]) dimensions, expected \(rank) (\(rank == 3 ? "images" : "labels"))")
        }
        let header = 4 + 4 * rank
        guard bytes.count >= header else {
            throw DataError("\(path): truncated IDX header (\(bytes.count) of \(header) bytes)")
        }
        var dims = [Int]()
        var total = 1
        for d in 0..<rank {
            let o = 4 + 4 * d
            let v = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            dims.append(v)
            total *= v
        }
        let payload = bytes.count - header
        guard payload >= total else {
            throw DataError("\(path): truncated IDX file: extents \(dims.shapeText) need \(total) bytes of data, found \(payload)",
                            hint: "the file is incomplete; copy or download it again")
        }
        guard payload == total else {
            throw DataError("\(path): IDX file has \(payload - total) bytes after the \(total) its extents \(dims.shapeText) promise")
        }
        return dims
    }

    /// Reads an image file and a label file into a split normalised with `normalization`.
    /// Labels must lie in `0..<classCount`; pass nil to take `max(label) + 1`.
    public static func readSplit(images imagesPath: String, labels labelsPath: String,
                                 classCount: Int?, normalization: Normalization) throws -> DatasetSplit {
        let (pixels, dims) = try readImages(imagesPath)
        let labels = try readLabels(labelsPath)
        guard dims[0] == labels.count else {
            throw DataError("\(imagesPath) holds \(dims[0]) images but \(labelsPath) holds \(labels.count) labels",
                            hint: "the image and label files must come from the same split")
        }
        let classes = classCount ?? ((labels.max() ?? 0) + 1)
        if let bad = labels.firstIndex(where: { $0 >= classes }) {
            throw DataError("\(labelsPath): label \(labels[bad]) of item \(bad) is outside 0..<\(classes)")
        }
        let split = try normalizedSplit(pixels: pixels, dims: dims, labels: labels, classCount: classes,
                                        normalization: normalization)
        return split
    }

    /// The raw pixel bytes (header removed) and extents [N, H, W] of an IDX image file.
    public static func readImages(_ path: String) throws -> (pixels: [UInt8], dims: [Int]) {
        var bytes = try FileBytes.read(path)
        let dims = try extents(of: bytes, rank: 3, path: path)
        bytes.removeFirst(16)
        return (bytes, dims)
    }

    /// The labels of an IDX label file.
    public static func readLabels(_ path: String) throws -> [Int] {
        let bytes = try FileBytes.read(path)
        _ = try extents(of: bytes, rank: 1, path: path)
        return bytes[8...].map { Int($0) }
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
