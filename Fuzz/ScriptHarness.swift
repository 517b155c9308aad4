// Fuzz target `script`: source text through the lexer, parser and interpreter, with the core
// builtins only (no files, no tensors) and a budget of statements and time, so an input
// cannot run forever; every failure must be a diagnostic with a message and a place.
import Bindings
import Dispatch
import Script

enum ScriptHarness {
    static let target = FuzzTarget(
        name: "script", summary: "lexer, parser and interpreter (core builtins, 300 statements, 0.25 s)",
        maxLength: 256, run: run, seeds: { [] })

    /// Built once: registering the core table is the same for every input.
    static let registry: BuiltinRegistry = {
        let registry = BuiltinRegistry()
        registry.register(CoreLibrary.namespace)
        return registry
    }()

    static let statementBudget = 300
    static let nanosecondBudget: UInt64 = 250_000_000

    static func run(_ bytes: [UInt8]) {
        let session = Session(registry: registry)
        session.output = CappedOutput()
        session.echoesExpressions = true
        var polls = 0
        let start = DispatchTime.now().uptimeNanoseconds
        session.interruptRequested = {
            polls += 1
            return polls > statementBudget || DispatchTime.now().uptimeNanoseconds - start > nanosecondBudget
        }
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            try session.run(SourceText(name: "fuzz", text: text))
        } catch let e as SyntaxErrors {
            FuzzTarget.require(!e.diagnostics.isEmpty, "script: empty SyntaxErrors")
            for d in e.diagnostics {
                FuzzTarget.require(!d.message.isEmpty && d.location.line >= 1 && d.location.column >= 1, "script: bad diagnostic \(d)")
                _ = d.description
            }
        } catch let d as Diagnostic {
            FuzzTarget.require(!d.message.isEmpty, "script: runtime diagnostic without a message")
            _ = d.description
        } catch {
            FuzzTarget.require(false, "script: unexpected \(type(of: error)): \(error)")
        }
    }
}

/// Keeps the first MiB of what a script prints and drops the rest.
final class CappedOutput: OutputWriter {
    private(set) var count = 0
    private var text = ""
    func write(_ piece: String) {
        guard count < 1 << 20 else { return }
        count += piece.utf8.count
        text += piece
    }
}
