// Things a script can call: builtins (Builtin.swift) and user functions defined with `def`.
// Argument binding and checking live in Arguments.swift.

/// A callable value. Both builtins and user functions declare their parameters, so calls are
/// checked the same way and completion can offer named arguments.
public protocol Callable: AnyObject {
    /// The name used in messages (`bad argument #1 to 'NAME'`).
    var name: String { get }
    var parameters: [Parameter] { get }
    /// How the function prints: `<builtin reshape(x, shape)>`, `<function f(a, b=1)>`.
    var summary: String { get }
}

/// A function defined in a script with `def`: its syntax and the scope it closes over.
final class UserFunction: Callable {
    let syntax: FunctionSyntax
    let closure: Environment
    /// Default values, evaluated once when `def` runs (as in Python).
    let defaults: [Value?]

    init(syntax: FunctionSyntax, closure: Environment, defaults: [Value?]) {
        self.syntax = syntax
        self.closure = closure
        self.defaults = defaults
    }

    var name: String { syntax.name }

    var parameters: [Parameter] {
        zip(syntax.parameters, defaults).map { p, d in
            d.map { Parameter.optional(p.name, default: $0) } ?? Parameter.required(p.name)
        }
    }

    var summary: String { "<function \(Parameter.signature(name, parameters))>" }
}
