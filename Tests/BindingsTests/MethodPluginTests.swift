// The `distill` builtin is generic over the method registry: help from the registry, arguments
// the chosen method does not declare refused with whose they are, one validation that points at
// the argument, and runs of any method written and read through the one run-state codec.
import Distillation
import Foundation
import Persistence
import Script
import Testing

@Suite struct MethodPluginTests {
    let root: String
    init() throws { root = try makeBandFolder() }
    let tiny = "ipc=1, batch_real=4, model=convnet(width=4, depth=1), seed=3"

    @Test func helpDescribesEveryRegisteredMethodAndItsArguments() {
        let registry = BuiltinRegistry.standard()
        let help = registry.help(for: registry.lookup("distill")!)
        #expect(MethodRegistry.names == ["dm", "dc", "dsa", "idc", "dream", "mtt", "dd"])
        for method in MethodRegistry.all {
            #expect(help.contains("- \"\(method.name)\": "), "\(method.name)")
            for name in method.argumentNames {
                #expect(help.contains("`\(name)`"), "\(method.name): \(name)")
                #expect(registry.lookup("distill")!.parameters.contains { $0.name == name }, "\(name)")
            }
        }
    }

    @Test func argumentsOfOtherMethodsAreRefusedNamingTheirMethods() {
        let s = Snippet.opening(root)
        let out = s.run("distill(data, method=\"dm\", syn_steps=3, \(tiny))")
        #expect(out.contains("syn_steps= sets the student steps per iteration for mtt only (method \"dm\" does not take it)"), "\(out)")
        #expect(s.run("distill(data, method=\"idc\", distance=\"mse\", \(tiny))").contains("for dc, dsa only (method \"idc\" does not take it)"))
        #expect(s.run("distill(data, method=\"fm\")").contains("unknown method \"fm\" (available: dm, dc, dsa, idc, dream, mtt, dd)"))
    }

    @Test func aBadSettingIsReportedOnceAtItsArgument() {
        let s = Snippet.opening(root)
        let d = s.diagnostic("distill(data, iterations=2, lr=-1, \(tiny))")
        #expect(d?.message == "bad argument 'lr' to 'distill' (dm: lr must be positive, got -1.0)", "\(String(describing: d))")
        #expect(s.run("distill(data, method=\"dc\", batch_real=0, ipc=1)").contains("dc: batch_real must be at least 1, got 0"))
        #expect(s.run("distill(data, method=\"idc\", factor=9, ipc=1)").contains("factor must be 1 to 4, got 9"))
        // One rule for iterations everywhere: 0 gives the starting images.
        #expect(s.run("z = distill(data, iterations=0, \(tiny))\nprint(z.iterations, len(z.loss), z.images.shape)") == "0 0 [3, 1, 8, 8]\n")
    }

    @Test func checkpointsHoldTheMethodsTypedState() throws {
        let path = try temporaryFolder() + "/dm.ddcheckpoint"
        let s = Snippet.opening(root)
        #expect(!s.run("distill(data, iterations=2, checkpoint=\"\(path)\", \(tiny))").contains("error"))
        let (run, _) = try ArchiveFile.read(StoredRun.self, kind: "checkpoint", from: path)
        #expect(run.method == "dm" && run.step == 2 && run.tensors == nil)
        guard case .object(let state)? = run.state else { Issue.record("no typed state: \(String(describing: run.state))"); return }
        #expect(Set(state.keys).isSuperset(of: ["images", "velocity"]), "\(state.keys)")
    }
}

extension Snippet {
    /// The diagnostic `code` stops with, or nil.
    func diagnostic(_ code: String) -> Diagnostic? {
        do {
            try session.run(SourceText(name: "t", text: code))
        } catch let d as Diagnostic {
            return d
        } catch {
            return nil
        }
        return nil
    }
}
