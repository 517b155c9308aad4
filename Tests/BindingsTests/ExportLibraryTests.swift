// export(...) and dataset(PATH) from the language: a distilled set and a subset written in each
// format and opened again evaluate to the same accuracy with the same seed; whitened sets keep
// their ZCA; wrong arguments and damaged files are errors naming the file.
import Foundation
import Testing

@Suite struct ExportLibraryTests {
    let root: String
    init() throws { root = try makeBandFolder() }

    static let net = "model=convnet(width=4, depth=1)"

    @Test(arguments: ["dm.safetensors", "dm.npz", "dm/"], [false, true])
    func roundTripEvaluatesTheSame(name: String, whitened: Bool) throws {
        let folder = try temporaryFolder()
        let s = Snippet.opening(root, then: whitened ? "d = zca(data)" : "d = data")
        let path = "\(folder)/\(name)"
        let wrote = s.run("syn = distill(d, method=\"dm\", ipc=2, iterations=2, \(Self.net), seed=1)\nexport(syn, \"\(path)\")")
        #expect(wrote.contains("wrote \(path)"), "\(wrote)")
        let out = s.run("""
            back = dataset("\(path)")
            print(back.method, back.ipc, back.labels == syn.labels, back.iterations)
            a = evaluate(syn, d, \(Self.net), runs=1, epochs=3, seed=4)
            b = evaluate(back, d, \(Self.net), runs=1, epochs=3, seed=4)
            print(a.mean == b.mean)
            """)
        // A folder's images.npy keeps the exact values beside the rounded PNGs: the same bits.
        #expect(out.hasPrefix("dm 2 true 2\n") && out.hasSuffix("true\n"), "\(out)")
    }

    /// What MTT and DD sets need to be judged (step size, learned steps, protocol) survives the trip.
    @Test(arguments: ["mtt.safetensors", "dd.npz"])
    func methodArtifactsSurvive(name: String) throws {
        let folder = try temporaryFolder()
        let s = Snippet.opening(root, then: "d = data")
        let made = name.hasPrefix("mtt")
            ? "syn = distill(d, method=\"mtt\", ipc=1, iterations=2, syn_steps=2, expert_epochs=1, max_start_epoch=1, experts=experts(d, count=1, epochs=2, \(Self.net), seed=4), \(Self.net), seed=3)"
            : "syn = distill(d, method=\"dd\", ipc=2, steps=2, epochs=1, iterations=2, batch_real=8, \(Self.net), seed=3)"
        let out = s.run("""
            \(made)
            export(syn, "\(folder)/\(name)")
            back = dataset("\(folder)/\(name)")
            print(back.protocol, back.settings == syn.settings)
            a = evaluate(syn, d, runs=1, epochs=2, seed=4)
            b = evaluate(back, d, runs=1, epochs=2, seed=4)
            print(a.mean == b.mean, a.protocol == b.protocol)
            """)
        #expect(out.hasSuffix("\(name.hasPrefix("mtt") ? "mtt" : "dd") true\ntrue true\n"), "\(out)")
    }

    /// A session holding sets opened from an export opens them again from the export file.
    @Test func sessionsReopenExports() throws {
        let folder = try temporaryFolder()
        let s = Snippet.opening(root, then: "few = subset(data, 2, seed=1)")
        let out = s.run("""
            syn = distill(data, method="dm", ipc=1, iterations=1, \(Self.net), seed=1)
            export(few, "\(folder)/few.safetensors")
            export(syn, "\(folder)/syn/")
            a = dataset("\(folder)/few.safetensors")
            b = dataset("\(folder)/syn/")
            save("\(folder)/s.distill")
            a = 0
            b = 0
            load("\(folder)/s.distill")
            print(a.train.count, a.test.count, b.method, b.protocol, len(b))
            """)
        #expect(out.hasSuffix("\n\(2 * 3) 0 dm dm 3\n"), "\(out)")
    }

    @Test func subsetsOpenAsDataSets() throws {
        let folder = try temporaryFolder()
        let s = Snippet.opening(root, then: "few = subset(data, 2, seed=1)")
        let out = s.run("export(few, \"\(folder)/few.npz\")\nback = dataset(\"\(folder)/few.npz\")\nprint(back.train.count, back.test.count, back.classes == data.classes)\nprint(evaluate(back.train, data, \(Self.net), runs=1, epochs=2, seed=1).mean == evaluate(few, data, \(Self.net), runs=1, epochs=2, seed=1).mean)")
        #expect(out.hasSuffix("true\ntrue\n") && out.contains(" 0 true"), "\(out)")
    }

    @Test func errors() throws {
        let folder = try temporaryFolder()
        let s = Snippet.opening(root, then: "few = subset(data, 1, seed=1)")
        #expect(s.run("export(few, \"\(folder)/x.pt\")").contains("unknown export format '.pt'"))
        #expect(s.run("export(data, \"\(folder)/x.npz\")").contains("synthetic set or split expected, got dataset"))
        #expect(s.run("export(few, \"/proc/x.npz\")").contains("error:"))
        try Data("not a zip".utf8).write(to: URL(fileURLWithPath: "\(folder)/bad.npz"))
        #expect(s.run("dataset(\"\(folder)/bad.npz\")").contains("\(folder)/bad.npz: not a zip archive"))
    }
}
