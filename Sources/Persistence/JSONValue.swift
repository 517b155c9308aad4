// Any JSON value, for settings compared field by field (a checkpoint's config against the
// run resuming from it). Integers stay exact (seeds need all 64 bits).
import Foundation

/// A JSON value decoded without a schema.
///
///     let a = try JSONValue(encoding: configA), b = try JSONValue(encoding: configB)
///     a.differences(from: b)   // ["lr: 1 here, 0.5 there"]
public indirect enum JSONValue: Codable, Equatable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The JSON form of any encodable value.
    public init<T: Encodable>(encoding value: T) throws {
        let data = try ArchiveFile.jsonEncoder().encode(value)
        self = try ArchiveFile.jsonDecoder().decode(JSONValue.self, from: data)
    }

    /// This JSON decoded as a `T` (a config saved with a run, read back to continue it).
    public func decoded<T: Decodable>(as type: T.Type) throws -> T {
        try ArchiveFile.jsonDecoder().decode(T.self, from: ArchiveFile.jsonEncoder().encode(self))
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let u = try? c.decode(UInt64.self) { self = .unsigned(u) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .integer(let i): try c.encode(i)
        case .unsigned(let u): try c.encode(u)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Compact JSON text.
    public var description: String {
        switch self {
        case .null: return "none"
        case .bool(let b): return "\(b)"
        case .integer(let i): return "\(i)"
        case .unsigned(let u): return "\(u)"
        case .double(let d): return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { "\($0): \(o[$0]!)" }.joined(separator: ", ") + "}"
        }
    }

    /// The fields (dotted paths into nested objects) whose values differ, each as
    /// `path: VALUE here, OTHER there`, sorted by path; `ignoring` top-level keys are skipped.
    public func differences(from other: JSONValue, ignoring: Set<String> = []) -> [String] {
        var out: [String] = []
        func walk(_ a: JSONValue?, _ b: JSONValue?, _ path: String) {
            if case .object(let x)? = a, case .object(let y)? = b {
                for key in Set(x.keys).union(y.keys).sorted() {
                    if path.isEmpty && ignoring.contains(key) { continue }
                    walk(x[key], y[key], path.isEmpty ? key : path + "." + key)
                }
                return
            }
            if a != b { out.append("\(path): \(a?.description ?? "absent") here, \(b?.description ?? "absent") there") }
        }
        walk(self, other, "")
        return out
    }
}
