// The .npy codec (NumPy's format, numpy/lib/format.py's description): the magic "\x93NUMPY",
// a version, a Python-literal header dict (descr, fortran_order, shape) padded to 64 bytes,
// then the raw data. Writes version 1.0; reads 1.0 and 2.0, C order, `<f4` and `<i8` only.
import Datasets
import Foundation

/// Reads and writes one .npy array.
public enum NPY {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The .npy bytes of `array` (version 1.0).
    public static func encode(_ array: ExchangeArray) -> [UInt8] {
        let dims = array.shape.map(String.init).joined(separator: ", ") + (array.shape.count == 1 ? "," : "")
        var header = Array("{'descr': '\(array.dtype.numpy)', 'fortran_order': False, 'shape': (\(dims)), }".utf8)
        // magic (6) + version (2) + length (2) + header + "\n", a multiple of 64.
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var out = magic + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)]
        out += header
        out += array.bytes
        return out
    }

    /// The array in `bytes`, read from `file` (member `name` of an archive), checked against its header.
    public static func decode(_ bytes: [UInt8], file: String, name: String) throws -> ExchangeArray {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw DataError("\(file): member '\(name)' is not a .npy array (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let headerLength: Int, start: Int
        switch major {
        case 1: headerLength = Int(bytes[8]) | Int(bytes[9]) << 8; start = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw DataError("\(file): member '\(name)' ends inside its .npy header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }; start = 12
        default: throw DataError("\(file): member '\(name)' is .npy version \(major); versions 1 to 3 are read")
        }
        guard headerLength <= bytes.count - start else {
            throw DataError("\(file): member '\(name)' has a .npy header of \(headerLength) bytes, past its end")
        }
        guard let header = String(bytes: bytes[start..<(start + headerLength)], encoding: .utf8) else {
            throw DataError("\(file): member '\(name)' has a .npy header that is not text")
        }
        guard let descr = value(of: "descr", in: header), let dtype = ExchangeArray.DType.allCases.first(where: { "'\($0.numpy)'" == descr }) else {
            throw DataError("\(file): member '\(name)' has dtype \(value(of: "descr", in: header) ?? "none"); only '<f4' and '<i8' are read")
        }
        guard value(of: "fortran_order", in: header) == "False" else {
            throw DataError("\(file): member '\(name)' is in Fortran order; only C order is read")
        }
        guard let shapeText = value(of: "shape", in: header), shapeText.hasPrefix("("), shapeText.hasSuffix(")") else {
            throw DataError("\(file): member '\(name)' has no shape tuple in its .npy header")
        }
        let parts = shapeText.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var shape = [Int]()
        for p in parts {
            guard let d = Int(p), d >= 0 else { throw DataError("\(file): member '\(name)' has shape \(shapeText), not whole numbers") }
            shape.append(d)
        }
        let count = try ExchangeArray.elementCount(shape, file: file, name: name)
        let (size, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        let dataStart = start + headerLength
        guard !overflow, size == bytes.count - dataStart else {
            throw DataError("\(file): member '\(name)' is \(dtype.numpy) \(shapeText) but holds \(bytes.count - dataStart) data bytes")
        }
        return try ExchangeArray(shape: shape, dtype: dtype, bytes: Array(bytes[dataStart...]), file: file, name: name)
    }

    /// The text of `key`'s value in a Python dict literal: a quoted string, a tuple or a word.
    static func value(of key: String, in header: String) -> String? {
        guard let k = header.range(of: "'\(key)':") else { return nil }
        let rest = header[k.upperBound...].drop { $0 == " " }
        guard let first = rest.first else { return nil }
        let end: String.Index?
        switch first {
        case "'": end = rest.dropFirst().firstIndex(of: "'").map { rest.index(after: $0) }
        case "(": end = rest.firstIndex(of: ")").map { rest.index(after: $0) }
        default: end = rest.firstIndex { $0 == "," || $0 == "}" }
        }
        guard let end else { return nil }
        return String(rest[rest.startIndex..<end]).trimmingCharacters(in: .whitespaces)
    }
}
