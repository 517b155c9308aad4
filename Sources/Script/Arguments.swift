// Binding call arguments to declared parameters, and the one checking helper every builtin
// uses, which words errors like Lua's: bad argument #2 to 'reshape' (list of integers expected, got string).

/// The arguments of one call, bound to the callee's parameters (defaults filled in).
///
/// Parameters are addressed by their position in the declaration (0-based) or by name:
///
///     let shape = try args.integers(1)          // bad argument #2 to 'reshape' (...)
///     let seed = try args.optionalInteger("seed")
public struct Arguments {
    /// The callee's name, for messages.
    public let callee: String
    public let parameters: [Parameter]
    private var values: [Value]
    private var given: [Bool]
    /// The values taken by a variadic parameter, in order.
    public let rest: [Value]

    // MARK: - Binding

    /// Binds positional then named values to `parameters`, checking counts and names.
    public static func bind(_ callee: String, _ parameters: [Parameter],
                            positional: [Value], named: [(String, Value)]) throws -> Arguments {
        var values = parameters.map(\.defaultValue)
        var given = [Bool](repeating: false, count: parameters.count)
        var rest: [Value] = []
        var p = 0
        for value in positional {
            while p < parameters.count, parameters[p].kind == .named { p += 1 }
            guard p < parameters.count else {
                let most = parameters.filter { $0.kind != .named }.count
                throw ScriptError("too many arguments to '\(callee)' (takes \(most) positional, got \(positional.count)): \(Parameter.signature(callee, parameters))")
            }
            if parameters[p].kind == .variadic { rest.append(value); continue }
            values[p] = value
            given[p] = true
            p += 1
        }
        var givenAs = [String?](repeating: nil, count: parameters.count)
        for (name, value) in named {
            guard let i = parameters.firstIndex(where: { $0.isNamed(name) && $0.kind != .variadic }) else {
                let takers = parameters.filter { $0.kind != .variadic }
                let accepted = takers.map { p in p.aliases.isEmpty ? p.name : "\(p.name) (or \(p.aliases.joined(separator: ", ")))" }
                var message = "unknown named argument '\(name)' to '\(callee)'"
                if let guess = Suggestions.closest(to: name, among: takers.flatMap { [$0.name] + $0.aliases }) {
                    message += "; did you mean '\(guess)'?"
                }
                message += accepted.isEmpty ? " (it takes no named arguments)"
                    : " (accepted: \(accepted.joined(separator: ", ")))"
                throw ScriptError(message)
            }
            if given[i] {
                guard let earlier = givenAs[i] else {
                    throw ScriptError("argument '\(name)' to '\(callee)' given twice (by position and by name)")
                }
                let canonical = parameters[i].name
                throw ScriptError("argument '\(canonical)' to '\(callee)' given twice (as '\(earlier)' and as '\(name)', two names for it); give one")
            }
            values[i] = value
            given[i] = true
            givenAs[i] = name
        }
        for (i, parameter) in parameters.enumerated() where parameter.kind == .required && !given[i] {
            throw ScriptError("missing argument '\(parameter.name)' to '\(callee)': \(Parameter.signature(callee, parameters))")
        }
        return Arguments(callee: callee, parameters: parameters, values: values, given: given, rest: rest)
    }

    // MARK: - Access

    /// Index of the parameter called `name` (a programming error if there is none).
    public func index(_ name: String) -> Int {
        guard let i = parameters.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("'\(callee)' has no parameter '\(name)'")
        }
        return i
    }

    /// The value bound to parameter `i` (its default when the call left it out).
    public func value(_ i: Int) -> Value { values[i] }
    public func value(_ name: String) -> Value { values[index(name)] }
    /// Whether the call gave parameter `i` explicitly.
    public func isGiven(_ i: Int) -> Bool { given[i] }
    public func isGiven(_ name: String) -> Bool { given[index(name)] }

    // MARK: - Errors

    /// `bad argument #2 to 'reshape' (MESSAGE)`, or `bad argument 'seed' to 'randn' (MESSAGE)`
    /// for a parameter that is only given by name.
    public func error(_ i: Int, _ message: String) -> ScriptError {
        let label = parameters[i].kind == .named ? "'\(parameters[i].name)'" : "#\(i + 1)"
        return ScriptError("bad argument \(label) to '\(callee)' (\(message))")
    }

    /// `bad argument #2 to 'reshape' (list of integers expected, got string)`.
    public func typeError(_ i: Int, expected: String, got value: Value? = nil) -> ScriptError {
        error(i, "\(expected) expected, got \(Arguments.describe(value ?? values[i]))")
    }

    /// How a value is named in "got ..." messages: its type, or "no value" for none.
    public static func describe(_ value: Value) -> String {
        switch value {
        case .none: return "none"
        case .number(let x) where x.rounded() != x: return "number \(Value.format(x))"
        default: return value.typeName
        }
    }

    // MARK: - Typed access

    public func number(_ i: Int) throws -> Double {
        guard case .number(let x) = values[i] else { throw typeError(i, expected: "number") }
        return x
    }
    public func number(_ name: String) throws -> Double { try number(index(name)) }

    public func integer(_ i: Int) throws -> Int {
        guard let n = values[i].exactInteger else { throw typeError(i, expected: "integer") }
        return n
    }
    public func integer(_ name: String) throws -> Int { try integer(index(name)) }

    /// An integer, or nil when the value is `none` (left out).
    public func optionalInteger(_ i: Int) throws -> Int? {
        if case .none = values[i] { return nil }
        return try integer(i)
    }
    public func optionalInteger(_ name: String) throws -> Int? { try optionalInteger(index(name)) }

    public func optionalNumber(_ i: Int) throws -> Double? {
        if case .none = values[i] { return nil }
        return try number(i)
    }
    public func optionalNumber(_ name: String) throws -> Double? { try optionalNumber(index(name)) }

    public func string(_ i: Int) throws -> String {
        guard case .string(let s) = values[i] else { throw typeError(i, expected: "string") }
        return s
    }
    public func string(_ name: String) throws -> String { try string(index(name)) }

    public func optionalString(_ i: Int) throws -> String? {
        if case .none = values[i] { return nil }
        return try string(i)
    }
    public func optionalString(_ name: String) throws -> String? { try optionalString(index(name)) }

    public func bool(_ i: Int) throws -> Bool {
        guard case .bool(let b) = values[i] else { throw typeError(i, expected: "bool") }
        return b
    }
    public func bool(_ name: String) throws -> Bool { try bool(index(name)) }

    public func list(_ i: Int) throws -> [Value] {
        guard case .list(let items) = values[i] else { throw typeError(i, expected: "list") }
        return items
    }
    public func list(_ name: String) throws -> [Value] { try list(index(name)) }

    /// A list of integers (shapes, axes): `bad argument #2 to 'reshape' (list of integers expected, got string)`.
    public func integers(_ i: Int) throws -> [Int] {
        guard case .list(let items) = values[i] else { throw typeError(i, expected: "list of integers") }
        return try items.enumerated().map { k, item in
            guard let n = item.exactInteger else {
                throw error(i, "list of integers expected, item \(k + 1) is \(Arguments.describe(item))")
            }
            return n
        }
    }
    public func integers(_ name: String) throws -> [Int] { try integers(index(name)) }

    /// A host object of class `T`, named `expected` in the error ("tensor", "dataset").
    public func host<T: HostObject>(_ i: Int, _ type: T.Type, expected: String) throws -> T {
        guard case .host(let object) = values[i], let typed = object as? T else {
            throw typeError(i, expected: expected)
        }
        return typed
    }
    public func host<T: HostObject>(_ name: String, _ type: T.Type, expected: String) throws -> T {
        try host(index(name), type, expected: expected)
    }

    public func callable(_ i: Int) throws -> Callable {
        guard case .function(let f) = values[i] else { throw typeError(i, expected: "function") }
        return f
    }
}
