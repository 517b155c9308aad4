// Reader for the CIFAR-10 and CIFAR-100 binary formats: fixed records of label byte(s) then
// 3072 pixel bytes (1024 R, 1024 G, 1024 B, row-major 32x32), and the class-name text files.
// It does not search for folders (DatasetLocator) or pick constants (KnownDataset).
import Foundation
import TensorCore

/// Reads CIFAR binary record files into normalised splits.
public enum CIFARReader {
    /// Pixel bytes per record: 3 channels of 32x32.
    public static let imageBytes = 3 * 32 * 32
    /// Most records one file may hold: the largest CIFAR file (CIFAR-100's train.bin) has
    /// 50000; a file decompressing to more is refused before it is read in full.
    public static let maxRecords = 60_000

    /// Reads record files of `labelBytes` label bytes (1 for CIFAR-10; 2 for CIFAR-100: coarse,
    /// fine) into one split, using the last label byte. Every label must be below `classCount`;
    /// with 2 label bytes the coarse label must be below 20.
    public static func readSplit(files: [String], labelBytes: Int, classCount: Int,
                                 normalization: Normalization) throws -> DatasetSplit {
        precondition(labelBytes == 1 || labelBytes == 2)
        let record = labelBytes + imageBytes
        var contents = [[UInt8]]()
        var labels = [Int]()
        for path in files {
            let bytes = try FileBytes.read(path, maxBytes: maxRecords * record,
                                           what: "the \(maxRecords) records a CIFAR file may hold")
            guard !bytes.isEmpty else { throw DataError("\(path): empty CIFAR batch file") }
            guard bytes.count % record == 0 else {
                throw DataError("\(path): \(bytes.count) bytes is not a whole number of \(record)-byte records "
                                + "(\(labelBytes) label byte\(labelBytes == 1 ? "" : "s") + \(imageBytes) pixels): truncated or not a CIFAR-\(labelBytes == 1 ? "10" : "100") file",
                                hint: "the file is incomplete or of the other CIFAR format; copy or prepare it again")
            }
            let n = bytes.count / record
            labels.reserveCapacity(labels.count + n)
            for i in 0..<n {
                let label = Int(bytes[i * record + labelBytes - 1])
                guard label < classCount else {
                    throw DataError("\(path): label \(label) of record \(i) is outside 0..<\(classCount)",
                                    hint: "is this a CIFAR-\(labelBytes == 1 ? "10" : "100") file?")
                }
                if labelBytes == 2 && bytes[i * record] >= 20 {
                    throw DataError("\(path): coarse label \(bytes[i * record]) of record \(i) is outside 0..<20")
                }
                labels.append(label)
            }
            contents.append(bytes)
        }
        let plane = 32 * 32
        let data = [Float](unsafeUninitializedCapacity: labels.count * imageBytes) { out, written in
            var done = 0
            for bytes in contents {
                let n = bytes.count / record
                bytes.withUnsafeBufferPointer { buf in
                    normalization.convert(bytes: buf, count: n, plane: plane, into: out.baseAddress! + done * imageBytes) {
                        $0 * record + labelBytes
                    }
                }
                done += n
            }
            written = labels.count * imageBytes
        }
        let images = Tensor(unchecked: [labels.count, 3, 32, 32], data: data)
        return try DatasetSplit(images: images, labels: labels, classCount: classCount)
    }

    /// Class names from a text file of one name per line (blank lines ignored); nil when the
    /// file is absent, an error when it lists the wrong number of names.
    public static func classNames(file path: String, expected: Int) throws -> [String]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let bytes = try FileBytes.readRaw(path)
        let text = String(decoding: bytes, as: UTF8.self)
        let names = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard names.count == expected else {
            throw DataError("\(path): lists \(names.count) class names, expected \(expected)")
        }
        return names
    }
}
