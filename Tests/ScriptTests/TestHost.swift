// Test doubles for the host-object hooks: a tiny 'vec' type with members, a method,
// indexing, operators with numbers (both sides), negation, length and iteration.
import Foundation
import Bindings
import Script

/// A list of numbers that behaves like a minimal tensor, to exercise every HostObject hook.
final class TestVector: HostObject {
    let items: [Double]
    init(_ items: [Double]) { self.items = items }

    var typeName: String { "vec" }
    var summary: String { "vec(" + items.map(Value.format).joined(separator: ", ") + ")" }
    var memberNames: [String] { ["size", "total", "scaled"] }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "size": return .number(Double(items.count))
        case "total": return .number(items.reduce(0, +))
        case "scaled":
            return .function(Builtin("scaled", parameters: [.required("factor")], help: "scales") { args, _ in
                let factor = try args.number(0)
                return .host(TestVector(self.items.map { $0 * factor }))
            })
        default: return nil
        }
    }

    func index(_ components: [IndexComponent]) throws -> Value {
        guard components.count == 1 else { throw ScriptError("vec takes one index") }
        switch components[0] {
        case .single(let v):
            guard let i = v.exactInteger, items.indices.contains(i) else { throw ScriptError("vec index out of range") }
            return .number(items[i])
        case .slice(let a, let b, let c):
            return .host(TestVector(try IndexComponent.positions(start: a, stop: b, step: c, count: items.count).map { items[$0] }))
        }
    }

    func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws -> Value? {
        let rhs: [Double]
        switch other {
        case .number(let x): rhs = [Double](repeating: x, count: items.count)
        case .host(let h as TestVector):
            guard h.items.count == items.count else { throw ScriptError("vec sizes differ: \(items.count) and \(h.items.count)") }
            rhs = h.items
        default: return nil
        }
        let (a, b) = reversed ? (rhs, items) : (items, rhs)
        switch op {
        case .add: return .host(TestVector(zip(a, b).map(+)))
        case .subtract: return .host(TestVector(zip(a, b).map(-)))
        case .multiply: return .host(TestVector(zip(a, b).map(*)))
        case .matmul: return .number(zip(a, b).map(*).reduce(0, +))
        default: return nil
        }
    }

    func unary(_ op: UnaryOperator) throws -> Value? {
        op == .negate ? .host(TestVector(items.map { -$0 })) : nil
    }

    var length: Int? { items.count }
    func elements() throws -> [Value]? { items.map { .number($0) } }
}

/// A registry with the core builtins plus `vec(list)` for host-object tests.
func testSession(echo: Bool = false) -> (Session, OutputBuffer) {
    let registry = BuiltinRegistry()
    registry.register(CoreLibrary.namespace)
    registry.register(BuiltinNamespace(name: "test", summary: "test doubles", builtins: [
        Builtin("vec", parameters: [.required("items")], help: "A test vector.") { args, _ in
            let items = try args.list(0).enumerated().map { i, v -> Double in
                guard case .number(let x) = v else { throw args.error(0, "list of numbers expected, item \(i + 1) is \(v.typeName)") }
                return x
            }
            return .host(TestVector(items))
        },
    ]))
    let session = Session(registry: registry)
    let out = OutputBuffer()
    session.output = out
    session.echoesExpressions = echo
    return (session, out)
}

/// Runs `body` on a thread with a large stack, as the executable's main thread has.
func onLargeStack<T>(_ body: @escaping () -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.value = body()
        done.signal()
    }
    thread.stackSize = 64 << 20
    thread.start()
    done.wait()
    return box.value!
}

final class ResultBox<T>: @unchecked Sendable { var value: T? }
