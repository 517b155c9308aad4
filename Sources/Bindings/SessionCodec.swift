// Saving and loading a whole session: variables (through StoredValue), the seed state and the
// cell history. Each host object's own part is in its +Persist file; the format is Persistence's.
import Datasets
import Exchange
import Foundation
import Persistence
import Script
import TensorCore

/// Turns values into manifest entries and blobs.
struct SessionWriter {
    var blobs = BlobTable()
    /// Variables that could not be saved, with the reason (reported, not fatal).
    var skipped: [(name: String, reason: String)] = []
    let registry: BuiltinRegistry

    /// The stored form of `value`; nil (and a note in `skipped`) when it cannot be saved.
    /// `path` names the variable in blob names and messages: `x`, `models[2]`.
    mutating func store(_ value: Value, path: String) -> StoredValue? {
        do {
            return try storeOrThrow(value, path: path)
        } catch {
            skipped.append((path, "\(error)"))
            return nil
        }
    }

    /// `depth` counts the lists and function defaults around `value`: a function whose default
    /// is a function whose default is ... can nest without bound, and the file must stay
    /// readable (SessionReader allows the same depth).
    private mutating func storeOrThrow(_ value: Value, path: String, depth: Int = 0) throws -> StoredValue {
        func checkDepth() throws {
            guard depth < Value.maxListDepth else {
                let root = path.prefix { $0 != "." && $0 != "[" }
                throw ScriptError("'\(root)' is nested more than \(Value.maxListDepth) levels deep (in lists or in default values of functions), more than a session file keeps")
            }
        }
        switch value {
        case .number(let x): return .number(x)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .list(let items):
            try checkDepth()
            return .list(try items.enumerated().map { try storeOrThrow($1, path: "\(path)[\($0)]", depth: depth + 1) })
        case .function(let f):
            if let (text, defaults) = Session.functionParts(value) {
                if defaults.contains(where: { $0 != nil }) { try checkDepth() }
                let stored = try defaults.enumerated().map { i, d in
                    try d.map { try storeOrThrow($0, path: "\(path).default\(i)", depth: depth + 1) }
                }
                return .function(StoredFunction(text: text, defaults: stored))
            }
            guard let builtin = f as? Builtin, registry.lookup(builtin.name) === builtin else {
                throw ScriptError("\(f.summary) is a method bound to an object; only builtins and user functions are saved")
            }
            return .builtin(builtin.name)
        case .host(let object):
            switch object {
            case let t as TensorObject: return .tensor(TensorObject.store(t.tensor, path: path, into: &blobs))
            case let d as DatasetObject: return .dataset(d.stored)
            case let s as SplitObject: return .split(s.store(path: path, into: &blobs))
            case let m as ModelObject: return .model(m.store(path: path, into: &blobs))
            case let s as SyntheticObject: return .synthetic(try s.store(path: path, into: &blobs))
            case let r as ResultObject: return .result(r.result)
            case let e as ExpertsObject: return .experts(try e.store(path: path, into: &blobs))
            default: throw ScriptError("a \(object.typeName) cannot be saved in a session file")
            }
        }
    }
}

/// Turns manifest entries and blobs back into values. Data sets are opened once per reference.
final class SessionReader {
    let blobs: BlobStore
    let session: Session
    let fileLabel: String
    private var datasets: [String: Dataset] = [:]
    var skipped: [(name: String, reason: String)] = []

    init(blobs: BlobStore, session: Session, fileLabel: String) {
        self.blobs = blobs
        self.session = session
        self.fileLabel = fileLabel
    }

    /// A data set that could not be opened again.
    struct MissingData: Error {
        let message: String
    }

    /// The value `stored` describes; `depth` counts the lists around it.
    func value(_ stored: StoredValue, path: String, depth: Int = 0) throws -> Value {
        switch stored {
        case .number(let x): return .number(x)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .list(let items):
            // Counted on the way down, so a damaged file cannot make a list deeper than a script can.
            guard depth < Value.maxListDepth else {
                throw PersistenceError(.damaged, "\(fileLabel): '\(path)' nests lists more than \(Value.maxListDepth) levels deep, more than a script can build")
            }
            return .list(try items.enumerated().map { try value($1, path: "\(path)[\($0)]", depth: depth + 1) })
        case .function(let f):
            guard depth < Value.maxListDepth || f.defaults.allSatisfy({ $0 == nil }) else {
                throw PersistenceError(.damaged, "\(fileLabel): '\(path)' nests function defaults more than \(Value.maxListDepth) levels deep, more than a session file keeps")
            }
            let defaults = try f.defaults.enumerated().map { i, d in try d.map { try value($0, path: "\(path).default\(i)", depth: depth + 1) } }
            do {
                return try session.makeFunction(text: f.text, defaults: defaults, sourceName: "\(fileLabel) (\(path))")
            } catch let e as SyntaxErrors {
                throw PersistenceError(.damaged, "\(fileLabel): the function in '\(path)' does not parse: \(e.diagnostics.first?.message ?? "")")
            }
        case .builtin(let name):
            guard let builtin = session.registry.lookup(name) else {
                throw PersistenceError(.missingData, "\(fileLabel): '\(path)' is the builtin '\(name)', which this distill does not have")
            }
            return .function(builtin)
        case .tensor(let t): return .host(TensorObject(try TensorObject.restore(t, from: self, path: path)))
        case .dataset(let d): return .host(DatasetObject(try dataset(d, path: path)))
        case .split(let s): return .host(try SplitObject.restore(s, from: self, path: path))
        case .model(let m): return .host(try ModelObject.restore(m, from: self, path: path))
        case .synthetic(let s): return .host(try SyntheticObject.restore(s, from: self, path: path))
        case .result(let r): return .host(ResultObject(r))
        case .experts(let e): return .host(try ExpertsObject.restore(e, from: self, path: path))
        }
    }

    /// The values of blob `name`, for the variable at `path`.
    func floats(_ name: String) throws -> [Float] { try blobs.values(name) }

    /// A tensor from its stored shape and blob, checked to fit.
    func tensor(_ t: StoredTensor, path: String) throws -> Tensor {
        let values = try floats(t.blob)
        guard (try? Tensor.checkShape(t.shape, op: "session")) != nil, t.shape.reduce(1, *) == values.count else {
            throw PersistenceError(.damaged, "\(fileLabel): '\(path)' has \(values.count) values for shape \(t.shape)")
        }
        return Tensor(unchecked: t.shape, data: values)
    }

    /// The data set a reference names, opened again from where it was (once per file).
    func dataset(_ d: StoredDataset, path: String) throws -> Dataset {
        let key = String(decoding: (try? JSONEncoder().encode(d)) ?? Data(), as: UTF8.self)
        if let cached = datasets[key] { return cached }
        do {
            // An export (dataset(PATH) of a .safetensors, .npz or export folder) opens as one again.
            var loaded = ExportedSet.isExport(d.provenance.root)
                ? try ExportedSet.read(d.provenance.root).dataset(path: d.provenance.root)
                : try Dataset.load(provenance: d.provenance)
            loaded.name = d.name
            datasets[key] = loaded
            return loaded
        } catch {
            let why = (error as? DataError)?.message ?? "\(error)"
            throw MissingData(message: "'\(path)' uses the data set '\(d.name)', which can no longer be opened from '\(d.provenance.root)': \(why) (HINT: put the data set back, or load with skip_missing=true to leave such variables out)")
        }
    }
}

extension Session {
    /// The manifest and blobs of this session; variables that cannot be saved are listed.
    func sessionContents() -> (SessionManifest, BlobTable, skipped: [(name: String, reason: String)]) {
        var writer = SessionWriter(registry: registry)
        var variables: [SessionManifest.Variable] = []
        for name in globals.localNames {
            guard let v = globals.get(name), let stored = writer.store(v, path: name) else { continue }
            variables.append(.init(name: name, value: stored))
        }
        let manifest = SessionManifest(seed: String(seed), seedDraws: String(seedDraws), variables: variables,
                                       history: history.map { .init(code: $0.code, output: $0.output) })
        return (manifest, writer.blobs, writer.skipped)
    }

    /// Writes the session to `path` atomically; returns the variables left out, with reasons.
    @discardableResult
    public func save(to path: String, writer: AtomicWriter = AtomicWriter()) throws -> [(name: String, reason: String)] {
        let (manifest, blobs, skipped) = sessionContents()
        try ArchiveFile.write(manifest, kind: "session", blobs: blobs, to: path, writer: writer)
        return skipped
    }

    /// Reads the session file at `path` and, only when all of it could be read, replaces the
    /// variables it holds (others are kept), the seed state and the history. Returns the
    /// variables left out because their data set is gone (with `skipMissingData`).
    @discardableResult
    public func load(from path: String, skipMissingData: Bool = false) throws -> [(name: String, reason: String)] {
        let (manifest, blobs) = try ArchiveFile.read(SessionManifest.self, kind: "session", from: path)
        let label = "session file '\(path)'"
        guard let seed = UInt64(manifest.seed), let draws = UInt64(manifest.seedDraws) else {
            throw PersistenceError(.badManifest, "\(label): the seed is not a 64-bit integer")
        }
        let reader = SessionReader(blobs: blobs, session: self, fileLabel: label)
        var restored: [(String, Value)] = []
        for v in manifest.variables {
            guard Value.isValidName(v.name) else {
                throw PersistenceError(.badManifest, "\(label): '\(v.name)' is not a variable name")
            }
            do {
                restored.append((v.name, try reader.value(v.value, path: v.name)))
            } catch let missing as SessionReader.MissingData {
                if !skipMissingData { throw PersistenceError(.missingData, "\(label): \(missing.message)") }
                reader.skipped.append((v.name, missing.message))
            } catch let e as PersistenceError {
                throw e
            } catch {
                throw PersistenceError(.damaged, "\(label): cannot restore '\(v.name)': \(error)")
            }
        }
        for (name, value) in restored { globals.set(name, value) }
        restoreSeed(seed, draws: draws)
        history = manifest.history.map { Cell(code: $0.code, output: $0.output) }
        return reader.skipped
    }
}
