// Expert trajectories in session files: by reference to the experts file they were loaded from
// or saved to (checked on load against their count, epochs and data set), by value (the
// snapshots as blobs) when they have no file.
import Distillation
import Foundation
import Persistence
import Script

/// Experts in a session manifest: a file, or the snapshots themselves.
struct StoredExperts: Codable {
    /// Absolute path of the experts file that holds them, when they have one.
    var file: String?
    /// The snapshots' manifest (blobs in this session file) when there is no file.
    var manifest: Experts.Manifest?
    var count: Int
    var epochs: Int
    var dataName: String
    var interrupted: Bool
}

extension ExpertsObject {
    func store(path: String, into blobs: inout BlobTable) throws -> StoredExperts {
        let e = experts
        var stored = StoredExperts(file: nil, manifest: nil, count: e.trajectories.count, epochs: e.config.epochs,
                                   dataName: e.dataName, interrupted: e.interrupted)
        if let file, FileManager.default.fileExists(atPath: file) {
            stored.file = URL(fileURLWithPath: file).standardizedFileURL.path
        } else {
            stored.manifest = try e.encoded(into: &blobs, prefix: "\(path).")
        }
        return stored
    }

    static func restore(_ stored: StoredExperts, from reader: SessionReader, path: String) throws -> ExpertsObject {
        var experts: Experts
        if let manifest = stored.manifest {
            experts = try Experts.decoded(manifest, from: reader.blobs, label: "\(reader.fileLabel): the experts '\(path)'")
        } else if let file = stored.file {
            do {
                experts = try Experts.load(from: file)
            } catch {
                throw SessionReader.MissingData(message: "'\(path)' refers to the experts file '\(file)', which can no longer be read: \(error) (HINT: put the file back, or load with skip_missing=true to leave such variables out)")
            }
            guard experts.trajectories.count == stored.count, experts.config.epochs == stored.epochs, experts.dataName == stored.dataName else {
                throw SessionReader.MissingData(message: "'\(path)' refers to the experts file '\(file)', which now holds other experts (\(experts.trajectories.count) of \(experts.config.epochs) epochs on \(experts.dataName), not \(stored.count) of \(stored.epochs) on \(stored.dataName))")
            }
        } else {
            throw PersistenceError(.badManifest, "\(reader.fileLabel): the experts '\(path)' have neither a file nor snapshots")
        }
        experts.interrupted = stored.interrupted
        return ExpertsObject(experts, file: stored.file)
    }
}
