// The .safetensors codec (Hugging Face's format, huggingface/safetensors README): an unsigned
// 64-bit little-endian header length, a JSON header naming each tensor's dtype, shape and byte
// range, a `__metadata__` object of strings, then the raw little-endian data. Written from the
// format's description; only F32 and I64 tensors.
import Datasets
import Foundation
import TensorCore

/// Reads and writes .safetensors bytes.
///
///     let bytes = try SafeTensors.encode([("labels", ExchangeArray(shape: [2], int64: [0, 1]))],
///                                        metadata: ["format": "pt"])
///     let file = try SafeTensors.decode(bytes, file: "set.safetensors")
public enum SafeTensors {
    /// The format's cap on the header (100 MB), so a damaged length cannot ask for more.
    public static let maxHeader = 100_000_000

    /// The file's bytes: arrays in the given order, back to back, the header padded with
    /// spaces to a multiple of 8 bytes so the data starts aligned.
    public static func encode(_ arrays: [(String, ExchangeArray)], metadata: [String: String]) throws -> [UInt8] {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, array) in arrays {
            header[name] = ["dtype": array.dtype.rawValue, "shape": array.shape, "data_offsets": [offset, offset + array.byteCount]]
            offset += array.byteCount
        }
        var json = [UInt8](try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        while json.count % 8 != 0 { json.append(0x20) }
        var out = [UInt8](); out.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out += json
        for (_, array) in arrays { out += array.bytes }
        return out
    }

    /// The arrays and metadata of `bytes`, read from `file` (named in every error). Every range
    /// is checked against the file before anything is copied.
    public static func decode(_ bytes: [UInt8], file: String) throws -> (arrays: [String: ExchangeArray], metadata: [String: String]) {
        guard bytes.count >= 8 else {
            throw DataError("\(file): not a safetensors file: \(bytes.count) bytes, shorter than the 8-byte header length")
        }
        var length: UInt64 = 0
        for k in 0..<8 { length |= UInt64(bytes[k]) << (8 * k) }
        guard length <= UInt64(bytes.count - 8) else {
            throw DataError("\(file): header length \(length) runs past the end of the file (\(bytes.count) bytes)",
                            hint: "the file is truncated or not a safetensors file")
        }
        guard length <= UInt64(maxHeader) else { throw DataError("\(file): header of \(length) bytes, more than the format's \(maxHeader)") }
        let dataStart = 8 + Int(length)
        let parsed = try? JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart]))
        guard let header = parsed as? [String: Any] else {
            throw DataError("\(file): the header is not a JSON object", hint: "the file is damaged or not a safetensors file")
        }
        var metadata: [String: String] = [:]
        if let m = header["__metadata__"] {
            guard let m = m as? [String: Any] else { throw DataError("\(file): __metadata__ is not a JSON object") }
            for (k, v) in m {
                guard let s = v as? String else { throw DataError("\(file): __metadata__ value '\(k)' is not a string") }
                metadata[k] = s
            }
        }
        let dataLength = bytes.count - dataStart
        var arrays: [String: ExchangeArray] = [:]
        for (name, entry) in header where name != "__metadata__" {
            guard let entry = entry as? [String: Any] else { throw DataError("\(file): tensor '\(name)' is not described by a JSON object") }
            guard let dtypeText = entry["dtype"] as? String else { throw DataError("\(file): tensor '\(name)' has no dtype") }
            guard let dtype = ExchangeArray.DType(rawValue: dtypeText) else {
                throw DataError("\(file): tensor '\(name)' has dtype \(dtypeText); only F32 and I64 are read")
            }
            guard let shape = integers(entry["shape"]) else { throw DataError("\(file): tensor '\(name)' has no shape of whole numbers") }
            guard let offsets = integers(entry["data_offsets"]), offsets.count == 2 else {
                throw DataError("\(file): tensor '\(name)' has no data_offsets [begin, end]")
            }
            guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataLength else {
                throw DataError("\(file): tensor '\(name)' has data_offsets \(offsets) outside the \(dataLength) data bytes",
                                hint: "the file is truncated or damaged")
            }
            let count = try ExchangeArray.elementCount(shape, file: file, name: name)
            let (size, overflow) = count.multipliedReportingOverflow(by: dtype.size)
            guard !overflow, size == offsets[1] - offsets[0] else {
                throw DataError("\(file): tensor '\(name)' is \(dtype.rawValue) \(shape) but its data_offsets span \(offsets[1] - offsets[0]) bytes")
            }
            try ExchangeArray.checkMemory(bytes: size, file: file, what: "tensor '\(name)'")
            let slice = Array(bytes[(dataStart + offsets[0])..<(dataStart + offsets[1])])
            arrays[name] = try ExchangeArray(shape: shape, dtype: dtype, bytes: slice, file: file, name: name)
        }
        return (arrays, metadata)
    }

    /// A JSON array of whole numbers, or nil.
    static func integers(_ value: Any?) -> [Int]? {
        guard let list = value as? [Any] else { return nil }
        var out = [Int]()
        for item in list {
            guard let n = item as? NSNumber, let i = Int(exactly: n.doubleValue) else { return nil }
            out.append(i)
        }
        return out
    }
}
