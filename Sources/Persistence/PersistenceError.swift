// Errors of the session and checkpoint files: what went wrong (the kind tests check) and a
// message naming the file and, where it helps, what to do. No file handling lives here.

/// A session or checkpoint file that cannot be read or written.
///
///     do { _ = try ArchiveFile.read(Manifest.self, kind: "session", from: path) }
///     catch let e as PersistenceError where e.kind == .truncated { ... }
public struct PersistenceError: Error, CustomStringConvertible, Equatable {
    /// Which kind of fault: tests and callers branch on it, people read `message`.
    public enum Kind: String, Sendable {
        /// The file is shorter than its header or manifest promise.
        case truncated
        /// A CRC-32 does not match, or the structure contradicts itself.
        case damaged
        /// Not a Distillery file at all (wrong magic), or a file of another kind.
        case foreign
        /// Written by a later format version than this program reads.
        case newerVersion
        /// The manifest is not JSON, or not the layout expected.
        case badManifest
        /// The manifest names data the file does not hold.
        case missingData
        /// The operating system refused (missing folder, permissions, full disk...).
        case io
        /// A checkpoint made with other settings than the run resuming from it.
        case mismatch
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
