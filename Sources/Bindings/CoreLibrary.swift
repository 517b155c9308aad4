// The core namespace: printing, help, variables, sequences, the session seed and timing.
// Number helpers are in CoreLibrary+Numbers.swift; tensor builtins live in their own library.
import Foundation
import Script

/// Builtins every session has, independent of tensors and data.
public enum CoreLibrary {
    /// The `core` namespace table.
    public static var namespace: BuiltinNamespace {
        BuiltinNamespace(name: "core", summary: "printing, help, variables, lists, numbers, seed and timing",
                         builtins: general + numbers)
    }

    static var general: [Builtin] {
        [
            Builtin("print", parameters: [.variadic("values"), .named("sep", default: .string(" ")), .named("end", default: .string("\n"))],
                    help: "Prints the values separated by `sep` and followed by `end`. Strings print without quotes; tensors, data sets and models print their summary.",
                    example: "print(\"loss\", 0.25)        # loss 0.25") { args, context in
                let sep = try args.string("sep"), end = try args.string("end")
                context.output.write(args.rest.map(\.text).joined(separator: sep) + end)
                return .none
            },
            Builtin("help", parameters: [.optional("name")],
                    help: "Without an argument, lists the builtins by namespace. With a name (a string or the builtin itself), shows its signature, help and an example; with a user function, its signature; with a value, its type and members.",
                    example: "help()\nhelp(\"range\")") { args, context in
                context.output.write(try helpText(args.value(0), args, context) + "\n")
                return .none
            },
            Builtin("vars", parameters: [],
                    help: "Lists the session's variables with their type and a short summary, in alphabetical order.",
                    example: "x = 3\nvars()                     # x = 3  (number)") { _, context in
                let globals = context.session.globals
                let lines = globals.localNames.compactMap { name in
                    globals.get(name).map { "\(name) = \(oneLine($0.description))  (\($0.typeName))" }
                }
                context.output.write((lines.isEmpty ? "(no variables)" : lines.joined(separator: "\n")) + "\n")
                return .none
            },
            Builtin("range", parameters: [.required("start_or_stop"), .optional("stop"), .optional("step", default: .number(1))],
                    help: "A list of integers: `range(n)` is 0, 1, ..., n-1; `range(a, b)` is a, ..., b-1; `range(a, b, step)` counts by `step` (which may be negative, but not zero).",
                    example: "range(3)          # [0, 1, 2]\nrange(5, 0, -2)   # [5, 3, 1]") { args, _ in
                var start = 0, stop = try args.integer(0)
                if args.isGiven(1) { start = stop; stop = try args.integer(1) }
                let step = try args.integer(2)
                guard step != 0 else { throw args.error(2, "step cannot be zero") }
                let count = step > 0 ? max(0, (stop - start + step - 1) / step) : max(0, (start - stop - step - 1) / -step)
                guard count <= 10_000_000 else { throw args.error(0, "range of \(count) numbers is too long (at most 10000000)") }
                return .list(stride(from: start, to: stop, by: step).map { .number(Double($0)) })
            },
            Builtin("len", parameters: [.required("x")],
                    help: "The number of items in a list, characters in a string, or items in a host object that has a length (the first axis of a tensor, images of a data set).",
                    example: "len([4, 5, 6])    # 3") { args, _ in
                switch args.value(0) {
                case .list(let items): return .number(Double(items.count))
                case .string(let s): return .number(Double(s.count))
                case .host(let object):
                    if let n = object.length { return .number(Double(n)) }
                default: break
                }
                throw args.typeError(0, expected: "list, string or sized object")
            },
            Builtin("seed", parameters: [.optional("n")],
                    help: "Sets the session seed that every random builtin derives its seed from when it is not given one, and restarts that sequence, so a script gives the same numbers on every run. Without an argument, returns the current seed.",
                    example: "seed(42)\nseed()            # 42") { args, context in
                guard args.isGiven(0) else { return .number(Double(context.session.seed)) }
                let n = try args.integer(0)
                guard n >= 0 else { throw args.error(0, "seed must be 0 or more, got \(n)") }
                context.session.setSeed(UInt64(n))
                return .none
            },
            Builtin("time", parameters: [.required("f"), .variadic("arguments")],
                    help: "Calls `f` with the given arguments, prints the wall time it took (marked with `~` so notebook checks ignore it) and returns what `f` returned.",
                    example: "def work() return len(range(1000)) end\nn = time(work)    # time: ~0.0004 s") { args, context in
                let f = args.value(0)
                _ = try args.callable(0)
                let start = DispatchTime.now().uptimeNanoseconds
                let result = try context.call(f, args.rest)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                context.output.write("time: \(Volatile.mark(formatSeconds(seconds)))\n")
                return result
            },
            Builtin("clock", parameters: [],
                    help: "Seconds since the session's process started, for measuring intervals by hand (`t = clock() ... clock() - t`).",
                    example: "t = clock()") { _, _ in
                .number(Double(DispatchTime.now().uptimeNanoseconds) / 1e9)
            },
            Builtin("type", parameters: [.required("x")],
                    help: "The name of a value's type as a string: number, string, bool, none, list, function, tensor, dataset, model...",
                    example: "type([1, 2])      # \"list\"") { args, _ in
                .string(args.value(0).typeName)
            },
            Builtin("str", parameters: [.required("x"), .named("digits")],
                    help: "A value as text, the way `print` shows it. With `digits`, a number is written with that many digits after the point.",
                    example: "str(3) + \" runs\"           # \"3 runs\"\nstr(2 / 3, digits=3)      # \"0.667\"") { args, _ in
                if let digits = try args.optionalInteger("digits") {
                    guard (0...17).contains(digits) else { throw args.error(args.index("digits"), "digits must be in 0...17, got \(digits)") }
                    return .string(String(format: "%.\(digits)f", try args.number(0)))
                }
                return .string(args.value(0).text)
            },
            Builtin("number", parameters: [.required("x")],
                    help: "Converts a string holding a number (\"3\", \"1e-3\") to a number; a number is returned as it is.",
                    example: "number(\"2.5\") * 2   # 5") { args, _ in
                if case .number = args.value(0) { return args.value(0) }
                let s = try args.string(0).trimmingCharacters(in: .whitespaces)
                guard let x = Double(s), !s.isEmpty else { throw args.error(0, "\"\(s)\" is not a number") }
                return .number(x)
            },
            Builtin("defined", parameters: [.required("name")],
                    help: "Whether a global variable called `name` exists, so a script can give a default to a value that `distill run --set name=value` may provide.",
                    example: "if not defined(\"ipcs\") ipcs = [1, 10, 50] end") { args, context in
                .bool(context.session.globals.get(try args.string(0)) != nil)
            },
            Builtin("append", parameters: [.required("list"), .required("value")],
                    help: "A new list: `list` with `value` added at the end (lists are values; the original is unchanged).",
                    example: "xs = append([1, 2], 3)   # [1, 2, 3]") { args, _ in
                // Only the new item can deepen the list: check it alone, not the whole list again.
                _ = try Value.nestedList([args.value(1)])
                return .list(try args.list(0) + [args.value(1)])
            },
            Builtin("assert", parameters: [.required("condition"), .optional("message", default: .string("assertion failed"))],
                    help: "Stops the script with an error carrying `message` when `condition` is false; does nothing otherwise. Scripts and notebooks use it as a check.",
                    example: "assert(len(xs) == 3, \"three items expected\")") { args, _ in
                if !args.value(0).isTruthy { throw ScriptError(try args.string(1)) }
                return .none
            },
            Builtin("error", parameters: [.required("message")],
                    help: "Stops the script with an error carrying `message`.",
                    example: "if x < 0 error(\"x must be positive\") end") { args, _ in
                throw ScriptError(try args.string(0))
            },
        ]
    }

    static func formatSeconds(_ s: Double) -> String {
        s >= 100 ? String(format: "%.0f s", s) : s >= 1 ? String(format: "%.2f s", s) : String(format: "%.4f s", s)
    }

    static func oneLine(_ text: String) -> String {
        let first = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return first.count > 70 ? String(first.prefix(67)) + "..." : (text.contains("\n") ? first + " ..." : first)
    }

    static func helpText(_ value: Value, _ args: Arguments, _ context: CallContext) throws -> String {
        let registry = context.session.registry
        switch value {
        case .none:
            return registry.overview() + "\nLanguage: docs/language.md; REPL commands: :help."
        case .string(let name):
            if let builtin = registry.lookup(name) { return registry.help(for: builtin) }
            if let ns = BuiltinRegistry.reserved[name] { return "'\(name)' belongs to the \(ns) builtins, which are not available yet." }
            if TokenKind.keywords[name] != nil { return "'\(name)' is a keyword of the language; see docs/language.md." }
            var message = "no builtin called '\(name)'"
            if let guess = Suggestions.closest(to: name, among: registry.names) { message += "; did you mean '\(guess)'?" }
            throw args.error(0, message)
        case .function(let f):
            if let builtin = f as? Builtin { return registry.help(for: builtin) }
            return "\(Parameter.signature(f.name, f.parameters))    [user function]"
        case .host(let object):
            let members = object.memberNames
            return HelpText.wrap("a \(object.typeName)" + (members.isEmpty ? "" : " with members: \(members.joined(separator: ", "))"))
        default:
            return "a \(value.typeName): \(value.description)"
        }
    }
}
