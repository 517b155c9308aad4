// Evaluating expressions: names, calls (argument binding, user functions, builtins), members
// and indexing. Operators on values are in Interpreter+Operators.swift.

extension Interpreter {
    func evaluate(_ expr: Expr, _ env: Environment, _ source: SourceText) throws -> Value {
        switch expr.kind {
        case .number(let x): return .number(x)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .list(let items):
            let values = try items.map { try evaluate($0, env, source) }
            return try located(expr.location, source) { try Value.nestedList(values) }
        case .variable(let name): return try lookup(name, env, expr.location, source)
        case .unary(let op, let operand):
            let value = try evaluate(operand, env, source)
            return try located(expr.location, source) { try unary(op, value) }
        case .binary(let op, let l, let r):
            let left = try evaluate(l, env, source)
            let right = try evaluate(r, env, source)
            return try located(expr.location, source) { try binary(op, left, right) }
        case .chain(let first, let operations):
            var value = try evaluate(first, env, source)
            for o in operations {
                let right = try evaluate(o.operand, env, source)
                value = try located(o.location, source) { [value] in try binary(o.op, value, right) }
            }
            return value
        case .and(let operands):
            var value = Value.bool(true)
            for e in operands {
                value = try evaluate(e, env, source)
                if !value.isTruthy { return value }
            }
            return value
        case .or(let operands):
            var value = Value.bool(false)
            for e in operands {
                value = try evaluate(e, env, source)
                if value.isTruthy { return value }
            }
            return value
        case .call(let calleeExpr, let arguments):
            let callee = try evaluate(calleeExpr, env, source)
            var positional: [Value] = []
            var named: [(String, Value)] = []
            for a in arguments {
                let v = try evaluate(a.value, env, source)
                if let name = a.name { named.append((name, v)) } else { positional.append(v) }
            }
            guard case .function = callee else {
                var what = "a \(callee.typeName)"
                if case .variable(let name) = calleeExpr.kind { what = "'\(name)' is \(what), not a function" }
                else { what = "cannot call \(what)" }
                throw fail(what, expr.location, source)
            }
            return try located(expr.location, source) {
                try callValue(callee, positional: positional, named: named, at: (expr.location, source))
            }
        case .member(let objectExpr, let name):
            let object = try evaluate(objectExpr, env, source)
            return try located(expr.location, source) { try member(object, name) }
        case .index(let objectExpr, let subscripts):
            let object = try evaluate(objectExpr, env, source)
            var components: [IndexComponent] = []
            for s in subscripts {
                switch s {
                case .single(let e): components.append(.single(try evaluate(e, env, source)))
                case .slice(let a, let b, let c):
                    func bound(_ e: Expr?, _ what: String) throws -> Int? {
                        guard let e else { return nil }
                        let v = try evaluate(e, env, source)
                        if case .none = v { return nil }
                        guard let n = v.exactInteger else {
                            throw fail("slice \(what) must be an integer, got \(Arguments.describe(v))", e.location, source)
                        }
                        return n
                    }
                    components.append(.slice(start: try bound(a, "start"), stop: try bound(b, "stop"), step: try bound(c, "step")))
                }
            }
            return try located(expr.location, source) { try index(object, components) }
        }
    }

    /// A variable, then a builtin; otherwise an error naming the nearest known name.
    func lookup(_ name: String, _ env: Environment, _ location: SourceLocation, _ source: SourceText) throws -> Value {
        if let v = env.get(name) { return v }
        if let b = session.registry.lookup(name) { return .function(b) }
        if let ns = BuiltinRegistry.reserved[name] {
            throw fail("'\(name)' is not available yet (it belongs to the \(ns) builtins, which arrive later)", location, source)
        }
        var message = "unknown name '\(name)'"
        if let guess = Suggestions.closest(to: name, among: env.visibleNames + session.registry.names) {
            message += "; did you mean '\(guess)'?"
        }
        throw fail(message, location, source)
    }

    /// Calls a function value. `site` is where the call is written (for the call stack).
    func callValue(_ callee: Value, positional: [Value], named: [(String, Value)],
                   at site: (SourceLocation, SourceText)? = nil) throws -> Value {
        guard case .function(let function) = callee else {
            throw ScriptError("cannot call a \(callee.typeName)")
        }
        let args = try Arguments.bind(function.name, function.parameters, positional: positional, named: named)
        if let builtin = function as? Builtin {
            return try builtin.body(args, CallContext(session: session, interpreter: self))
        }
        guard let user = function as? UserFunction else {
            throw ScriptError("cannot call \(function.summary)")
        }
        guard frames.count < Interpreter.maxCallDepth else {
            throw ScriptError("too many nested calls (more than \(Interpreter.maxCallDepth)); does a recursion miss its base case?")
        }
        let scope = Environment(enclosing: user.closure)
        for (i, p) in user.syntax.parameters.enumerated() { scope.set(p.name, args.value(i)) }
        let (location, siteSource) = site ?? (user.syntax.location, user.syntax.source)
        frames.append(Diagnostic.Frame(function: user.name, source: siteSource.name, location: location))
        defer { frames.removeLast() }
        if case .returned(let value) = try executeBlock(user.syntax.body, scope, user.syntax.source) {
            return value
        }
        return .none
    }

    func member(_ object: Value, _ name: String) throws -> Value {
        guard case .host(let host) = object else {
            throw ScriptError("a \(object.typeName) has no members (tried '.\(name)')")
        }
        if let value = try host.member(name) { return value }
        var message = "\(host.typeName) has no member '\(name)'"
        if let guess = Suggestions.closest(to: name, among: host.memberNames) { message += "; did you mean '\(guess)'?" }
        else if !host.memberNames.isEmpty { message += " (members: \(host.memberNames.joined(separator: ", ")))" }
        throw ScriptError(message)
    }

    func index(_ object: Value, _ components: [IndexComponent]) throws -> Value {
        switch object {
        case .host(let host):
            return try host.index(components)
        case .list(let items):
            return try Interpreter.pick(items, components, "list") { .list($0) }
        case .string(let s):
            return try Interpreter.pick(s.map { Value.string(String($0)) }, components, "string") { parts in
                .string(parts.map(\.text).joined())
            }
        default:
            throw ScriptError("cannot index a \(object.typeName)")
        }
    }

    static func pick(_ items: [Value], _ components: [IndexComponent], _ kind: String,
                     _ wrap: ([Value]) -> Value) throws -> Value {
        guard components.count == 1 else {
            throw ScriptError("a \(kind) takes one index, got \(components.count)")
        }
        switch components[0] {
        case .single(let v):
            guard let i = v.exactInteger else {
                throw ScriptError("\(kind) index must be an integer, got \(Arguments.describe(v))")
            }
            let j = i < 0 ? i + items.count : i
            guard j >= 0, j < items.count else {
                throw ScriptError("index \(i) out of range for a \(kind) of length \(items.count)")
            }
            return items[j]
        case .slice(let a, let b, let c):
            return wrap(try IndexComponent.positions(start: a, stop: b, step: c, count: items.count).map { items[$0] })
        }
    }
}
