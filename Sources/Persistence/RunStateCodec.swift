// The one codec for run state (a method's typed state between iterations), used by checkpoint
// files and by session files alike: any Codable value becomes a JSON tree for the manifest, and
// every array of floats it holds (tensors) goes to the file's blobs instead of the JSON text.
// Types that hold floats take part through `FloatBlobCoding`; without a blob table (comparing
// settings, tests) they are written inline.
import Foundation

/// Encodes and decodes Codable run state with its float arrays as blobs.
///
///     var blobs = BlobTable()
///     let json = try RunStateCodec.encode(state, prefix: "syn.run", into: &blobs)
///     ... (json in the manifest, blobs in the file) ...
///     let back = try RunStateCodec.decode(MyState.self, from: json, blobs: store)
public enum RunStateCodec {
    /// `value` as JSON, its float arrays added to `blobs` under names starting with `prefix`.
    public static func encode<T: Encodable>(_ value: T, prefix: String, into blobs: inout BlobTable) throws -> JSONValue {
        let sink = FloatBlobCoding.Sink(prefix: prefix, table: blobs)
        let encoder = ArchiveFile.jsonEncoder()
        encoder.userInfo[FloatBlobCoding.sinkKey] = sink
        let data = try encoder.encode(value)
        blobs = sink.table
        return try ArchiveFile.jsonDecoder().decode(JSONValue.self, from: data)
    }

    /// The value `encode` wrote, its float arrays read from `blobs`. A field that is missing or
    /// of the wrong type, or a blob that is absent or of the wrong size, is a damaged-file error
    /// naming `label` (the file) and the field.
    public static func decode<T: Decodable>(_ type: T.Type, from json: JSONValue, blobs: BlobStore, label: String) throws -> T {
        let decoder = ArchiveFile.jsonDecoder()
        decoder.userInfo[FloatBlobCoding.sourceKey] = FloatBlobCoding.Source(store: blobs)
        do {
            return try decoder.decode(T.self, from: ArchiveFile.jsonEncoder().encode(json))
        } catch let e as PersistenceError {
            throw e
        } catch let DecodingError.keyNotFound(key, context) {
            throw PersistenceError(.damaged, "\(label): the run state lacks '\(path(context.codingPath + [key]))'")
        } catch let DecodingError.dataCorrupted(context) {
            throw PersistenceError(.damaged, "\(label): \(context.debugDescription)")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw PersistenceError(.damaged, "\(label): the run state's '\(path(context.codingPath))' is malformed: \(context.debugDescription)")
        }
    }

    static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
    }
}

/// How types holding float arrays (tensors) encode them: as a reference to a blob when the
/// encoder carries a blob table, inline otherwise.
///
///     public func encode(to encoder: Encoder) throws {
///         try FloatBlobCoding.encode(values: data, shape: shape, to: encoder)
///     }
public enum FloatBlobCoding {
    public static let sinkKey = CodingUserInfoKey(rawValue: "distill.floatBlobSink")!
    public static let sourceKey = CodingUserInfoKey(rawValue: "distill.floatBlobSource")!

    /// The blob table an encoder writes to (a class: encoders copy their user info).
    final class Sink {
        let prefix: String
        var table: BlobTable
        init(prefix: String, table: BlobTable) {
            self.prefix = prefix
            self.table = table
        }
    }

    /// The blobs a decoder reads from.
    final class Source {
        let store: BlobStore
        init(store: BlobStore) { self.store = store }
    }

    /// The JSON form: a shape with either a blob name or the values inline.
    struct Form: Codable {
        var shape: [Int]
        var blob: String?
        var values: [Float]?
    }

    /// Writes `values` of `shape` as a blob reference (or inline without a blob table).
    public static func encode(values: [Float], shape: [Int], to encoder: Encoder) throws {
        var form = Form(shape: shape)
        if let sink = encoder.userInfo[sinkKey] as? Sink {
            let name = sink.prefix + (sink.prefix.isEmpty ? "" : ".") + RunStateCodec.path(encoder.codingPath)
            form.blob = sink.table.add(name, values)
        } else {
            form.values = values
        }
        try form.encode(to: encoder)
    }

    /// The values and shape `encode` wrote; the count must match the shape (checked without
    /// overflow: a damaged shape must not trap).
    public static func decode(from decoder: Decoder) throws -> (shape: [Int], values: [Float]) {
        let form = try Form(from: decoder)
        let values: [Float]
        if let name = form.blob {
            guard let source = decoder.userInfo[sourceKey] as? Source else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a blob reference outside a file"))
            }
            values = try source.store.values(name)
        } else if let inline = form.values {
            values = inline
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "neither a blob nor values"))
        }
        var count = 1, overflow = false
        for extent in form.shape {
            let (product, o) = count.multipliedReportingOverflow(by: extent)
            overflow = overflow || o || extent < 0
            count = product
        }
        guard !overflow, count == values.count else {
            let what = form.blob ?? RunStateCodec.path(decoder.codingPath)
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "tensor '\(what)' has \(values.count) values for shape \(form.shape)"))
        }
        return (form.shape, values)
    }
}

/// A list of floats (a loss history) that goes to a blob like a tensor's elements.
public struct FloatList: Codable, Equatable, Sendable {
    public var values: [Float]
    public init(_ values: [Float]) { self.values = values }

    public func encode(to encoder: Encoder) throws {
        try FloatBlobCoding.encode(values: values, shape: [values.count], to: encoder)
    }

    public init(from decoder: Decoder) throws {
        let (shape, values) = try FloatBlobCoding.decode(from: decoder)
        guard shape.count == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a list with shape \(shape)"))
        }
        self.values = values
    }
}

/// A run's state as checkpoint and session files keep it: the method and its settings, steps
/// done, the generator's four words in hexadecimal (exact in any JSON reader), the loss of
/// every step as a blob, and the method's own state. Format 2 keeps that state typed in
/// `state` (through `RunStateCodec`); format 1 kept named tensors and numbers, read for migration.
public struct StoredRun: Codable, Sendable {
    public var method: String
    public var config: JSONValue
    public var step: Int
    public var rng: [String]
    /// The blob of the loss history.
    public var loss: String
    /// Format 2: the method's state.
    public var state: JSONValue?
    /// Format 1: named tensors ({shape, blob} each) and numbers.
    public var tensors: [String: [JSONValue]]?
    public var numbers: [String: Double]?

    public init(method: String, config: JSONValue, step: Int, rng: [String], loss: String, state: JSONValue?,
                tensors: [String: [JSONValue]]? = nil, numbers: [String: Double]? = nil) {
        self.method = method
        self.config = config
        self.step = step
        self.rng = rng
        self.loss = loss
        self.state = state
        self.tensors = tensors
        self.numbers = numbers
    }
}
