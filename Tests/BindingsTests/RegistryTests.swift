// The builtin tables: every builtin documented, reserved names kept free, help text stable,
// and docs/builtins.md generated from the same tables (DISTILL_RECORD=1 regenerates it).
import Bindings
import Foundation
import Script
import TensorCore
import Testing

@Test func everyBuiltinHasHelpAndAnExample() {
    let registry = BuiltinRegistry.standard()
    for ns in registry.namespaces {
        #expect(!ns.summary.isEmpty)
        for b in ns.builtins {
            #expect(b.help.count >= 30, "\(b.name): help too short")
            #expect(!b.example.isEmpty, "\(b.name): no example")
            #expect(b.name == b.name.lowercased(), "\(b.name): script names are lowercase")
        }
    }
}

@Test func examplesParse() {
    let registry = BuiltinRegistry.standard()
    for name in registry.names {
        let example = registry.lookup(name)!.example
        #expect(throws: Never.self, "\(name)") { _ = try Parser.parse(SourceText(name: name, text: example)) }
    }
}

@Test func reservedNamesAreNotTakenByUnrelatedNamespaces() {
    let registry = BuiltinRegistry.standard()
    for (name, ns) in BuiltinRegistry.reserved {
        if let b = registry.lookup(name) { #expect(b.namespace == ns, "\(name) belongs to \(ns)") }
    }
    #expect(registry.lookup("save")?.namespace == "session" && registry.lookup("load")?.namespace == "session")
    #expect(BuiltinRegistry.reserved["save"] == nil, "save is registered, no longer reserved")
}

@Test func aReservedNameSaysItArrivesLater() throws {
    // In a registry without the libraries, every reserved name is still to come.
    guard let (name, ns) = BuiltinRegistry.reserved.sorted(by: { $0.key < $1.key }).first else { return }
    let session = Session(registry: BuiltinRegistry())
    #expect {
        try session.run(SourceText(name: "t", text: "\(name)(1)"))
    } throws: { e in
        (e as? Diagnostic)?.message == "'\(name)' is not available yet (it belongs to the \(ns) builtins, which arrive later)"
    }
}

@Test func helpOverviewListsNamespacesAndReservedNames() {
    let text = BuiltinRegistry.standard().overview()
    #expect(text.hasPrefix("Builtins by namespace (help(\"name\") shows one):\n  core: "))
    #expect(text.contains("    dataset, export, select, subset"))
    #expect(text.contains("    accuracy, alexcifarnet, alexnet, convnet, lenet, mlp, resnet18, train"))
    #expect(text.contains("  session: saving and loading the whole session\n    load, save"))
}

@Test func builtinsPageIsUpToDate() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/builtins.md")
    let generated = BuiltinRegistry.standard().markdown()
    if ProcessInfo.processInfo.environment["DISTILL_RECORD"] == "1" {
        try generated.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    let current = try? String(contentsOf: url, encoding: .utf8)
    #expect(current == generated, "docs/builtins.md is stale: run `distill --builtins-markdown > docs/builtins.md` (or DISTILL_RECORD=1 swift test)")
}

final class CountingProgress: ProgressSink {
    var steps = 0
    func begin(_ title: String, total: Int) {}
    func update(step: Int, figures: [(String, Double)]) { steps += 1 }
    func end(interrupted: Bool) {}
}

@Test func progressSinkAndSeedReachBuiltinsThroughTheContext() throws {
    let registry = BuiltinRegistry.standard()
    registry.register(BuiltinNamespace(name: "probe", summary: "test", builtins: [
        Builtin("work", parameters: [.required("steps"), .named("seed")], help: "Reports progress.") { args, context in
            let n = try args.integer(0)
            let seed = try context.seed(args)
            context.progress.begin("work", total: n)
            for i in 1...n { context.progress.update(step: i, figures: [("x", Double(i))]) }
            context.progress.end(interrupted: false)
            return .number(Double(seed % 1000))
        },
    ]))
    let session = Session(registry: registry)
    let sink = CountingProgress()
    session.progress = sink
    #expect(session.progress === sink)
    let out = OutputBuffer()
    session.output = out
    try session.run(SourceText(name: "t", text: "seed(1)\na = work(3)\nb = work(2)\nseed(1)\nprint(a == work(1), a != b, work(1, seed=1234))"))
    #expect(sink.steps == 3 + 2 + 1 + 1)
    #expect(out.text == "true true 234\n")
    #expect(throws: Diagnostic.self) { try session.run(SourceText(name: "t", text: "work(1, seed=-1)")) }
}

@Test func helpOfEveryBuiltinIsWrapped() {
    let registry = BuiltinRegistry.standard()
    for name in registry.names {
        let text = registry.help(for: registry.lookup(name)!)
        let body = text.components(separatedBy: "\nExample:\n")[0]
        for line in body.split(separator: "\n") {
            #expect(line.count <= HelpText.width, "\(name): \(line.count) columns: \(line)")
        }
    }
    // distill's help has sections, not one paragraph.
    let distill = registry.help(for: registry.lookup("distill")!)
    for heading in ["\n\nMethods (`method=`):\n- \"dm\"", "\n\nSettings", "\n\nStopping and resuming:\n- `budget="] {
        #expect(distill.contains(heading), "\(heading)")
    }
    #expect(distill.hasPrefix("distill(data, method=\"dm\", ipc=10, "))
    #expect(distill.split(separator: "\n").first?.count ?? 0 <= HelpText.width)
}

@Test func otherParameterNamesAreShownInHelp() {
    let registry = BuiltinRegistry.standard()
    #expect(registry.help(for: registry.lookup("select")!).contains("\nAlso accepted: ipc= for per_class=.\n"))
    #expect(registry.markdown().contains("Also accepted: `ipc=` for `per_class=`."))
}
