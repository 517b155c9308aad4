// The Float32 blobs of a file: a table to fill when writing, and a checked store to read from.
// Names are chosen by the caller to name the variable they belong to in error messages.

/// Blobs to write, in order; names are made unique.
///
///     var blobs = BlobTable()
///     let name = blobs.add("net.parameters[0]", weights)
public struct BlobTable {
    public private(set) var entries: [(name: String, values: [Float])] = []
    private var used: Set<String> = []

    public init() {}

    /// Adds `values` under `name` (or `name#2`, `name#3`... if taken); returns the name used,
    /// which the manifest stores to find the values again.
    @discardableResult
    public mutating func add(_ name: String, _ values: [Float]) -> String {
        var unique = name
        var n = 2
        while used.contains(unique) { unique = "\(name)#\(n)"; n += 1 }
        used.insert(unique)
        entries.append((unique, values))
        return unique
    }
}

/// The blobs of a file that was read, every CRC already checked.
public struct BlobStore {
    let values: [String: [Float]]
    let label: String

    /// The values stored under `name`; an error naming the file when the manifest refers to a
    /// blob the file does not hold.
    public func values(_ name: String) throws -> [Float] {
        guard let v = values[name] else {
            throw PersistenceError(.missingData, "\(label): the manifest names data '\(name)' that the file does not hold")
        }
        return v
    }

    /// Names of the blobs held.
    public var names: [String] { values.keys.sorted() }
}
