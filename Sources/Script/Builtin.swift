// A builtin function: its name, namespace, declared parameters, help text and body.
// Builtins are grouped into namespaces by BuiltinRegistry; libraries live in Bindings.

/// A declared parameter of a builtin or user function.
///
///     .required("x")                     // positional or named, must be given
///     .optional("axis", default: .none)  // positional or named, may be left out
///     .named("seed", default: .none)     // only by name: randn([2], seed=1)
///     .variadic("values")                // any number of trailing positional values
public struct Parameter {
    public enum Kind: Sendable { case required, optional, named, variadic }
    public let name: String
    public let kind: Kind
    /// The value an optional or named parameter takes when the call leaves it out.
    public let defaultValue: Value
    /// Other names a call may use for this parameter (`per_class` is also `ipc`).
    public private(set) var aliases: [String] = []

    /// This parameter, also accepted under `other`: `.required("per_class").alias("ipc")`.
    public func alias(_ other: String) -> Parameter {
        var p = self
        p.aliases.append(other)
        return p
    }

    /// Whether a call may name this parameter `name`.
    public func isNamed(_ name: String) -> Bool { self.name == name || aliases.contains(name) }

    public static func required(_ name: String) -> Parameter { Parameter(name: name, kind: .required, defaultValue: .none) }
    public static func optional(_ name: String, default value: Value = .none) -> Parameter {
        Parameter(name: name, kind: .optional, defaultValue: value)
    }
    public static func named(_ name: String, default value: Value = .none) -> Parameter {
        Parameter(name: name, kind: .named, defaultValue: value)
    }
    public static func variadic(_ name: String) -> Parameter { Parameter(name: name, kind: .variadic, defaultValue: .none) }

    /// The default as the signature shows it.
    public var defaultText: String { defaultValue.description }

    /// `name(a, b=1, values...)` for help, docs and printing.
    public static func signature(_ name: String, _ parameters: [Parameter]) -> String {
        let parts = parameters.map { p -> String in
            switch p.kind {
            case .required: return p.name
            case .optional, .named: return "\(p.name)=\(p.defaultText)"
            case .variadic: return "\(p.name)..."
            }
        }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }
}

/// A function implemented in Swift. The body receives checked arguments and the call context.
///
///     Builtin("len", parameters: [.required("x")],
///             help: "The number of items in a list or characters in a string.",
///             example: "len([1, 2, 3])   # 3") { args, context in
///         .number(Double(try args.list(0).count))
///     }
public final class Builtin: Callable {
    public let name: String
    /// Set by the registry when the builtin is registered ("core", "tensor"...).
    public internal(set) var namespace: String = ""
    public let parameters: [Parameter]
    /// One paragraph: what it does, what it returns, what it expects.
    public let help: String
    /// One or more lines of .dd code showing a typical call.
    public let example: String
    let body: (Arguments, CallContext) throws -> Value

    public init(_ name: String, parameters: [Parameter], help: String, example: String = "",
                body: @escaping (Arguments, CallContext) throws -> Value) {
        precondition(parameters.filter { $0.kind == .variadic }.count <= 1, "\(name): one variadic parameter at most")
        self.name = name
        self.parameters = parameters
        self.help = help
        self.example = example
        self.body = body
    }

    /// `reshape(x, shape)`.
    public var signature: String { Parameter.signature(name, parameters) }
    public var summary: String { "<builtin \(signature)>" }
}
