// The one codec for run state: any Codable value, its float lists as blobs when a blob table is
// given (inline otherwise), read back exactly; damage is an error naming the file and the field.
import Foundation
import Persistence
import Testing

private struct RunSample: Codable, Equatable {
    var name: String
    var step: Int
    var values: FloatList
    var history: [FloatList]
    var optional: FloatList?
}

@Test func runStateRoundTripsThroughBlobs() throws {
    let sample = RunSample(name: "dm", step: 3, values: FloatList([1, 2.5, -0]), history: [FloatList([]), FloatList([Float.pi])], optional: nil)
    var blobs = BlobTable()
    let json = try RunStateCodec.encode(sample, prefix: "syn.run", into: &blobs)
    #expect(blobs.entries.map(\.name) == ["syn.run.values", "syn.run.history[0]", "syn.run.history[1]"])
    #expect(!"\(json)".contains("2.5"), "values go to blobs, not the manifest: \(json)")
    let bytes = try ArchiveFile.encode(json, kind: "session", blobs: blobs)
    let (back, store) = try ArchiveFile.decode(JSONValue.self, kind: "session", bytes: bytes, path: "s.ddsession")
    let decoded = try RunStateCodec.decode(RunSample.self, from: back, blobs: store, label: "session file 's.ddsession'")
    #expect(decoded == sample)
    #expect(decoded.history[1].values[0].bitPattern == Float.pi.bitPattern)
}

@Test func damagedRunStateIsNamed() throws {
    var blobs = BlobTable()
    let json = try RunStateCodec.encode(RunSample(name: "x", step: 1, values: FloatList([1, 2]), history: [], optional: nil),
                                        prefix: "", into: &blobs)
    let bytes = try ArchiveFile.encode(json, kind: "session", blobs: blobs)
    let (back, store) = try ArchiveFile.decode(JSONValue.self, kind: "session", bytes: bytes, path: "s.ddsession")
    guard case .object(var fields) = back, case .object(var values)? = fields["values"] else { Issue.record("\(back)"); return }
    values["shape"] = .array([.integer(3)])
    fields["values"] = .object(values)
    #expect(throws: PersistenceError(.damaged, "f: tensor 'values' has 2 values for shape [3]")) {
        _ = try RunStateCodec.decode(RunSample.self, from: .object(fields), blobs: store, label: "f")
    }
    fields.removeValue(forKey: "step")
    #expect(throws: PersistenceError(.damaged, "f: the run state lacks 'step'")) {
        _ = try RunStateCodec.decode(RunSample.self, from: .object(fields), blobs: store, label: "f")
    }
}
