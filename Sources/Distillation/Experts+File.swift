// Expert files: the archive format of sessions and checkpoints (versioned, CRC-checked), kind
// "experts"; the manifest holds the settings and parameter shapes, one blob per snapshot.
// Written atomically. Layout documented in docs/session-format.md.
import Persistence
import NeuralNet
import TensorCore

extension Experts {
    /// The settings, shapes and blob names of stored experts (in expert files and sessions).
    public struct Manifest: Codable, Sendable {
        var config: ExpertConfig
        var dataName: String
        var imageShape: [Int]
        var classes: Int
        var parameterShapes: [[Int]]
        /// blobs[e][t]: the blob with expert e's parameters after t epochs, all tensors end to end.
        var blobs: [[String]]
    }

    static let kind = "experts"

    /// Adds every snapshot to `table` (blob names start with `prefix`) and returns the manifest
    /// that finds them again.
    public func encoded(into table: inout BlobTable, prefix: String = "") throws -> Manifest {
        guard let first = trajectories.first?.first else { throw TensorError("experts: there are no experts to save") }
        let names = trajectories.enumerated().map { e, snaps in
            snaps.enumerated().map { t, params in table.add("\(prefix)e\(e).t\(t)", params.flatMap(\.data)) }
        }
        return Manifest(config: config, dataName: dataName, imageShape: imageShape, classes: classes,
                        parameterShapes: first.map(\.shape), blobs: names)
    }

    /// Writes the experts to `path` atomically.
    public func save(to path: String, writer: AtomicWriter = AtomicWriter()) throws {
        var table = BlobTable()
        let manifest = try encoded(into: &table)
        try ArchiveFile.write(manifest, kind: Experts.kind, blobs: table, to: path, writer: writer)
    }

    /// Reads experts written by `save`; a damaged or inconsistent file is an error saying what is wrong.
    public static func load(from path: String) throws -> Experts {
        let (m, store) = try ArchiveFile.read(Manifest.self, kind: kind, from: path)
        return try decoded(m, from: store, label: "experts file '\(path)'")
    }

    /// The experts a manifest and its blobs describe; `label` names the source in errors.
    public static func decoded(_ m: Manifest, from store: BlobStore, label: String) throws -> Experts {
        func damaged(_ what: String) -> PersistenceError { PersistenceError(.damaged, "\(label): \(what)") }
        guard m.parameterShapes.allSatisfy({ s in s.allSatisfy { $0 >= 0 } }), !m.parameterShapes.isEmpty else {
            throw damaged("bad parameter shapes")
        }
        guard m.config.epochs >= 1, m.imageShape.count == 3, m.classes >= 1 else { throw damaged("bad settings") }
        let sizes = m.parameterShapes.map { $0.reduce(1, *) }
        let total = sizes.reduce(0, +)
        var trajectories: [[[Tensor]]] = []
        for (e, snaps) in m.blobs.enumerated() {
            guard snaps.count == m.config.epochs + 1 else { throw damaged("expert \(e) has \(snaps.count) snapshots for \(m.config.epochs) epochs") }
            trajectories.append(try snaps.map { name in
                let values = try store.values(name)
                guard values.count == total else { throw damaged("snapshot '\(name)' has \(values.count) values, the shapes need \(total)") }
                var offset = 0
                return zip(m.parameterShapes, sizes).map { shape, n in
                    defer { offset += n }
                    return Tensor(unchecked: shape, data: Array(values[offset..<(offset + n)]))
                }
            })
        }
        guard !trajectories.isEmpty else { throw damaged("it holds no experts") }
        // The architecture must produce exactly these shapes.
        var probe = SeededRNG(seed: 0)
        let net = try m.config.model.build(imageShape: m.imageShape, classes: m.classes, rng: &probe)
        guard net.parameters.map(\.shape) == m.parameterShapes else {
            throw damaged("parameter shapes do not fit \(m.config.model.description)")
        }
        return Experts(config: m.config, dataName: m.dataName, imageShape: m.imageShape, classes: m.classes, trajectories: trajectories)
    }
}
