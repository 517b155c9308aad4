// evaluate(..., protocol=...) from the language, on the tiny band image folder, with tiny
// `epochs=` so the recipes' 300 and 1000 epochs are never trained here.
import Foundation
import Testing

@Suite struct EvaluationProtocolLibraryTests {
    let root: String
    init() throws { root = try makeBandFolder() }

    func session() -> Snippet { Snippet.opening(root, then: "net = convnet(width=4, depth=1)") }

    @Test func namedProtocolsTrainAndSayWhatTheyUsed() {
        let s = session()
        let out = s.run("""
        sub = subset(data, 2, seed=1)
        for p in ["dc", "dsa", "dm", "idc", "mtt"]
            r = evaluate(sub, data, model=net, runs=2, epochs=2, protocol=p, seed=1)
            print(r.protocol, r.epochs, r.runs, r.mean >= 0)
        end
        print(evaluate(sub, data, model=net, runs=1, epochs=3, protocol="dsa", seed=1))
        """)
        #expect(out.contains("dc 2 2 true\ndsa 2 2 true\ndm 2 2 true\nidc 2 2 true\nmtt 2 2 true\n"), "\(out)")
        #expect(out.contains("(1 run, protocol dsa, 3 epochs)"), "\(out)")
    }

    @Test func autoFollowsTheMethodAndTheSetKeepsItThroughSessions() throws {
        let s = session()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("protocol-\(UUID().uuidString).ddsession").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let out = s.run("""
        dm = distill(data, method="dm", ipc=1, iterations=2, model=net, seed=1)
        dc = distill(data, method="dc", ipc=1, iterations=1, model=net, seed=1)
        print(evaluate(dm, data, model=net, runs=1, epochs=1, protocol="auto", seed=1).protocol)
        print(evaluate(dc, data, model=net, runs=1, epochs=1, protocol="AUTO", seed=1).protocol)
        print(evaluate(subset(data, 1, seed=2), data, model=net, runs=1, epochs=1, protocol="auto", seed=1).protocol)
        print(evaluate(dm, data, model=net, runs=1, epochs=1, seed=1).protocol)
        print(evaluate(dm, data, model=net, runs=1, epochs=1, protocol="standard", seed=1).protocol)
        save("\(path)")
        """)
        // "auto" is the default; "standard" is the recipe from before protocols, and names none.
        #expect(out.contains("dm\ndc\ndc\ndm\nnone\n"), "\(out)")
        let t = session()
        #expect(t.run("load(\"\(path)\")") == "")
        #expect(t.run("print(evaluate(dm, data, model=net, runs=1, epochs=1, protocol=\"auto\", seed=1).protocol)").contains("dm\n"))
    }

    @Test func explicitArgumentsOverrideTheProtocol() {
        let s = session()
        let out = s.run("""
        sub = subset(data, 2, seed=1)
        a = evaluate(sub, data, model=net, runs=1, epochs=2, protocol="idc", batch=3, lr=0.05, aug="none", seed=1)
        b = evaluate(sub, data, model=net, runs=1, epochs=2, protocol="idc", batch=3, lr=0.05, aug="none", seed=1)
        print(a.mean == b.mean, a.epochs, a.protocol)
        """)
        #expect(out.contains("true 2 idc\n"), "\(out)")
    }

    @Test func unknownProtocolsAndBadOverridesAreErrors() {
        let s = session()
        let out = s.run("evaluate(subset(data, 1), data, protocol=\"paper\")")
        #expect(out.contains("argument #14 to 'evaluate'") || out.contains("protocol"), "\(out)")
        #expect(out.contains("unknown protocol \"paper\" (expected one of: auto, dc, dsa, dm, idc, mtt, dd, standard)"), "\(out)")
        #expect(s.run("evaluate(subset(data, 1), data, protocol=\"dsa\", epochs=0)").contains("epochs must be at least 1"))
        #expect(s.run("evaluate(subset(data, 1), data, protocol=\"dsa\", aug=\"spin\")").contains("unknown transform 'spin'"))
        #expect(s.run("evaluate(subset(data, 1), data, protocol=\"dd\")").contains("needs a set made by distill(method=\"dd\")"))
    }
}
