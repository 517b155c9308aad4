// Number helpers of the core namespace: abs, min, max, round, floor, ceil. Given a host
// object (a tensor), each one calls the object's method of the same name instead.
import Foundation
import Script

extension CoreLibrary {
    static var numbers: [Builtin] {
        [
            unary("abs", "The absolute value of a number.", "abs(-2.5)         # 2.5", Swift.abs),
            unary("floor", "The largest integer not above a number.", "floor(2.7)        # 2") { $0.rounded(.down) },
            unary("ceil", "The smallest integer not below a number.", "ceil(2.1)         # 3") { $0.rounded(.up) },
            Builtin("round", parameters: [.required("x"), .optional("digits", default: .number(0))],
                    help: "A number rounded to `digits` digits after the point (halves away from zero). Given a host object, calls its `round` method.",
                    example: "round(2.345, 2)   # 2.35") { args, context in
                if let delegated = try delegate("round", args, context) { return delegated }
                let digits = try args.integer(1)
                guard (0...15).contains(digits) else { throw args.error(1, "digits must be in 0...15, got \(digits)") }
                let scale = pow(10.0, Double(digits))
                return .number((try args.number(0) * scale).rounded() / scale)
            },
            extremum("min", "smallest", <),
            extremum("max", "largest", >),
        ]
    }

    /// Calls `x.name(rest...)` when the first argument is a host object with such a method.
    static func delegate(_ name: String, _ args: Arguments, _ context: CallContext,
                         named: [(String, Value)] = []) throws -> Value? {
        guard case .host(let object) = args.value(0) else { return nil }
        guard let method = try object.member(name), case .function = method else {
            throw args.typeError(0, expected: "number")
        }
        let positional = args.parameters.indices.dropFirst().filter { args.isGiven($0) && args.parameters[$0].kind != .named }
            .map { args.value($0) } + args.rest
        return try context.call(method, positional, named: named)
    }

    static func unary(_ name: String, _ help: String, _ example: String, _ f: @escaping (Double) -> Double) -> Builtin {
        Builtin(name, parameters: [.required("x")],
                help: help + " Given a host object (a tensor), calls its `\(name)` method.",
                example: example) { args, context in
            if let delegated = try delegate(name, args, context) { return delegated }
            return .number(f(try args.number(0)))
        }
    }

    static func extremum(_ name: String, _ word: String, _ better: @escaping (Double, Double) -> Bool) -> Builtin {
        Builtin(name, parameters: [.variadic("values"), .named("axis")],
                help: "The \(word) of several numbers or of one list of numbers. Given a host object (a tensor), calls its `\(name)` method, passing `axis` when given.",
                example: "\(name)(3, 1, 2)      # \(name == "min" ? 1 : 3)\n\(name)([4, 7])        # \(name == "min" ? 4 : 7)") { args, context in
            var values = args.rest
            if values.count == 1, case .host(let object) = values[0] {
                guard let method = try object.member(name), case .function = method else {
                    throw args.typeError(0, expected: "number or list of numbers", got: values[0])
                }
                let axis = args.value("axis")
                if case .none = axis { return try context.call(method, []) }
                return try context.call(method, [], named: [("axis", axis)])
            }
            if args.isGiven("axis") { throw args.error(args.index("axis"), "axis applies to tensors only") }
            if values.count == 1, case .list(let items) = values[0] { values = items }
            guard !values.isEmpty else { throw ScriptError("bad argument #1 to '\(name)' (number expected, got no value)") }
            var best = -Double.infinity
            for (i, v) in values.enumerated() {
                guard case .number(let x) = v else {
                    throw ScriptError("bad argument #\(i + 1) to '\(name)' (number expected, got \(Arguments.describe(v)))")
                }
                if i == 0 || better(x, best) { best = x }
            }
            return .number(best)
        }
    }
}
