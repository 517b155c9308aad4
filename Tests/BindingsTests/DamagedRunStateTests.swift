// A session file whose stored run state (the `resume` part of a synthetic set) was damaged
// after writing: the file's CRCs are valid (it is re-written through the archive writer), so
// only the loader's own checks stand between it and a silently wrong resumed run.
import Foundation
import Persistence
import Testing

@Suite struct DamagedRunStateTests {
    /// Rewrites the session at `path` with `change` applied to the first object holding a
    /// `rng` key (the run state), keeping every blob.
    func rewrite(_ path: String, _ change: (inout [String: JSONValue]) -> Void) throws {
        let (manifest, store) = try ArchiveFile.read(JSONValue.self, kind: "session", from: path)
        var done = false
        func walk(_ v: JSONValue) -> JSONValue {
            switch v {
            case .object(var o):
                if !done, o["rng"] != nil, o["loss"] != nil { change(&o); done = true; return .object(o) }
                return .object(o.mapValues(walk))
            case .array(let a): return .array(a.map(walk))
            default: return v
            }
        }
        let changed = walk(manifest)
        #expect(done, "no run state found in the session file")
        var blobs = BlobTable()
        for name in store.names { blobs.add(name, try store.values(name)) }
        try ArchiveFile.write(changed, kind: "session", blobs: blobs, to: path)
    }

    func savedRun() throws -> String {
        let root = try makeBandFolder()
        let path = try temporaryFolder() + "/run.ddsession"
        let a = Snippet()
        let out = a.run("data = dataset(\"\(root)\")\nsyn = distill(data, ipc=1, iterations=2, batch_real=4, model=convnet(width=4, depth=1), seed=5)\nsave(\"\(path)\")")
        #expect(!out.contains("error"), "\(out)")
        return path
    }

    @Test func intactRewriteStillLoadsAndResumes() throws {
        let path = try savedRun()
        try rewrite(path) { _ in }
        let b = Snippet()
        #expect(b.run("load(\"\(path)\")") == "")
        #expect(b.run("print(distill(data, resume=syn, iterations=3).iterations)") == "3\n")
    }

    @Test func badGeneratorWordsAreNamed() throws {
        let path = try savedRun()
        try rewrite(path) { $0["rng"] = .array([.string("12"), .string("zz")]) }
        #expect(Snippet().run("load(\"\(path)\")").contains("the run state of 'syn' has a generator state that is not four 64-bit words"))
    }

    @Test func lossCountDisagreeingWithStepIsNamed() throws {
        let path = try savedRun()
        try rewrite(path) { $0["step"] = .integer(7) }
        #expect(Snippet().run("load(\"\(path)\")").contains("the run state of 'syn' has 2 loss values for 7 iterations"))
    }
}
