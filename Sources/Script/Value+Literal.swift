// Reading a value from literal text (`3`, `-1e-3`, `"dm"`, `[1, 2]`, `true`), as the command
// line's `--set name=value` needs. Only literals: nothing is called or looked up.

extension Value {
    /// The value `text` spells as a literal, or nil when it is not one literal expression.
    ///
    ///     Value.parseLiteral("[1, -2]")   // .list([.number(1), .number(-2)])
    ///     Value.parseLiteral("f(1)")      // nil
    public static func parseLiteral(_ text: String) -> Value? {
        guard let program = try? Parser.parse(SourceText(name: "literal", text: text)),
              program.statements.count == 1,
              case .expression(let expr) = program.statements[0].kind else { return nil }
        return literal(expr)
    }

    static func literal(_ expr: Expr) -> Value? {
        switch expr.kind {
        case .number(let x): return .number(x)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return Value.none
        case .unary(.negate, let inner):
            if case .number(let x)? = literal(inner) { return .number(-x) }
            return nil
        case .list(let items):
            var values: [Value] = []
            for item in items {
                guard let v = literal(item) else { return nil }
                values.append(v)
            }
            return .list(values)
        default: return nil
        }
    }

    /// Whether `name` can be a variable name (letters, digits, `_`; not a keyword).
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        let ok = name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
        return ok && TokenKind.keywords[name] == nil
    }
}
