// Finding a named data set on disk: the explicit root, then DISTILL_DATA, then the user's cache,
// then system places (DESIGN.md §4). It only looks; it never downloads or reads data files.
import Foundation

/// The ordered list of places a named data set is looked for, and the search itself.
///
///     let folder = try DatasetLocator(root: nil).locate(.fashionMNIST)
///     // "/usr/share/datasets/fashion-mnist" after `apt-get install dataset-fashion-mnist`
public struct DatasetLocator: Sendable {
    /// The `root:` argument, searched first; may hold the files themselves or a sub-folder.
    public var root: String?
    /// Environment consulted for `DISTILL_DATA` (a folder, or several separated by `:`).
    public var environment: [String: String]
    /// Home directory for `~/.cache/distill` (and `~/.cache/dd-data`, an older default of
    /// this project's data scripts); nil to skip.
    public var home: String?
    /// System-wide data roots, searched last.
    public var systemRoots: [String]

    /// Roots searched after the user's: Debian's `dataset-*` packages install under the first.
    public static let defaultSystemRoots = ["/usr/share/datasets", "/usr/local/share/datasets"]

    public init(root: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                home: String? = ProcessInfo.processInfo.environment["HOME"],
                systemRoots: [String] = DatasetLocator.defaultSystemRoots) {
        self.root = root
        self.environment = environment
        self.home = home
        self.systemRoots = systemRoots
    }

    /// One data root in search order, with where it came from.
    public struct Place: Sendable, Equatable {
        /// The root folder.
        public let path: String
        /// Why it is searched: `root: argument`, `DISTILL_DATA`, `user cache`, `system`.
        public let origin: String
        /// Whether the root itself may hold the files (only for the explicit root).
        public let holdsFilesDirectly: Bool
    }

    /// The data roots in search order.
    public var places: [Place] {
        var out = [Place]()
        if let root { out.append(Place(path: root, origin: "root: argument", holdsFilesDirectly: true)) }
        if let env = environment["DISTILL_DATA"] {
            for p in env.split(separator: ":") where !p.isEmpty {
                out.append(Place(path: String(p), origin: "DISTILL_DATA", holdsFilesDirectly: false))
            }
        }
        if let home {
            out.append(Place(path: home + "/.cache/distill", origin: "user cache", holdsFilesDirectly: false))
            out.append(Place(path: home + "/.cache/dd-data", origin: "user cache, older name", holdsFilesDirectly: false))
        }
        for r in systemRoots { out.append(Place(path: r, origin: "system", holdsFilesDirectly: false)) }
        return out
    }

    /// Every folder that is checked for `set`, in order.
    public func candidates(for set: KnownDataset) -> [String] {
        places.flatMap { place in
            (place.holdsFilesDirectly ? [place.path] : []) + set.folderNames.map { place.path + "/" + $0 }
        }
    }

    /// The first folder holding `set`'s files, or an error listing every place looked and
    /// how to get the data set.
    public func locate(_ set: KnownDataset) throws -> String {
        if let found = candidates(for: set).first(where: { Self.holds(set, folder: $0) }) { return found }
        var lines = ["data set '\(set.rawValue)' not found (looked for \(set.markerFiles.joined(separator: " or ")) in):"]
        if environment["DISTILL_DATA"] == nil { lines.append("  DISTILL_DATA is not set") }
        for place in places {
            let subs = "{" + set.folderNames.joined(separator: ", ") + "}"
            let what = place.holdsFilesDirectly ? "\(place.path) and \(place.path)/\(subs)" : "\(place.path)/\(subs)"
            let exists = FileManager.default.fileExists(atPath: place.path) ? "" : " (no such folder)"
            lines.append("  \(what)  [\(place.origin)]\(exists)")
        }
        throw DataError(lines.joined(separator: "\n"), hint: set.howToGet + ". Nothing is downloaded.")
    }

    /// Whether `folder` holds one of `set`'s marker files.
    public static func holds(_ set: KnownDataset, folder: String) -> Bool {
        set.markerFiles.contains { FileManager.default.fileExists(atPath: folder + "/" + $0) }
    }
}
