// The parser for expressions, one function per precedence level (lowest first).
// Statements and error recovery are in Parser.swift.

extension Parser {
    // expr = or
    // Only brackets, blocks, unary operators and `**` count as nesting (Parser.enter); a
    // left-associative run of operators is parsed in a loop and kept flat.
    mutating func expression() throws -> Expr {
        try or()
    }

    // or = and { "or" and }
    mutating func or() throws -> Expr {
        let first = try and()
        guard check(.kwOr) else { return first }
        let location = peek.location
        var operands = [first]
        while match(.kwOr) { operands.append(try and()) }
        return Expr(kind: .or(operands), location: location)
    }

    // and = not { "and" not }
    mutating func and() throws -> Expr {
        let first = try not()
        guard check(.kwAnd) else { return first }
        let location = peek.location
        var operands = [first]
        while match(.kwAnd) { operands.append(try not()) }
        return Expr(kind: .and(operands), location: location)
    }

    // not = "not" not | comparison
    mutating func not() throws -> Expr {
        if check(.kwNot) {
            let op = advance()
            try enter(); defer { depth -= 1 }
            return Expr(kind: .unary(.not, try not()), location: op.location)
        }
        return try comparison()
    }

    // comparison = additive { ("==" | "!=" | "<" | "<=" | ">" | ">=") additive }
    mutating func comparison() throws -> Expr {
        try binaryLevel([.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual]) { try $0.additive() }
    }

    // additive = term { ("+" | "-") term }
    mutating func additive() throws -> Expr {
        try binaryLevel([.plus, .minus]) { try $0.term() }
    }

    // term = unary { ("*" | "/" | "%" | "@") unary }
    mutating func term() throws -> Expr {
        try binaryLevel([.star, .slash, .percent, .at]) { try $0.unary() }
    }

    /// One left-associative level: `operand { op operand }`, as a flat chain.
    mutating func binaryLevel(_ kinds: [TokenKind], _ operand: (inout Parser) throws -> Expr) throws -> Expr {
        let first = try operand(&self)
        guard kinds.contains(peek.kind) else { return first }
        var operations: [Operation] = []
        while kinds.contains(peek.kind) {
            let op = advance()
            operations.append(Operation(op: Parser.binaryOperator(op.kind), operand: try operand(&self), location: op.location))
        }
        return Expr(kind: .chain(first, operations), location: operations[0].location)
    }

    static func binaryOperator(_ kind: TokenKind) -> BinaryOperator {
        switch kind {
        case .plus: return .add
        case .minus: return .subtract
        case .star: return .multiply
        case .slash: return .divide
        case .percent: return .remainder
        case .at: return .matmul
        case .power: return .power
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        default: return .greaterEqual
        }
    }

    // unary = "-" unary | power
    mutating func unary() throws -> Expr {
        if check(.minus) {
            let op = advance()
            try enter(); defer { depth -= 1 }
            return Expr(kind: .unary(.negate, try unary()), location: op.location)
        }
        return try power()
    }

    // power = postfix [ "**" unary ]      (right-associative; -2**2 is -(2**2))
    mutating func power() throws -> Expr {
        let base = try postfix()
        guard check(.power) else { return base }
        let op = advance()
        try enter(); defer { depth -= 1 }
        return Expr(kind: .binary(.power, base, try unary()), location: op.location)
    }

    // postfix = primary { "(" arguments ")" | "." NAME | "[" subscripts "]" }
    mutating func postfix() throws -> Expr {
        var expr = try primary()
        let outer = depth; defer { depth = outer }
        while true {
            if check(.leftParen) || check(.dot) || check(.leftBracket) { try enter() }
            if check(.leftParen) {
                let open = advance()
                // Calls are located at the callee, so messages point at the function's name.
                expr = Expr(kind: .call(expr, try arguments(open)), location: expr.location)
            } else if check(.dot) {
                let dot = advance()
                let name = try consume(.identifier, "expected a member name after '.'")
                expr = Expr(kind: .member(expr, name.lexeme), location: dot.location)
            } else if check(.leftBracket) {
                let open = advance()
                expr = Expr(kind: .index(expr, try subscripts(open)), location: open.location)
            } else {
                return expr
            }
        }
    }

    // arguments = [ argument { "," argument } [","] ];  argument = NAME "=" expr | expr
    mutating func arguments(_ open: Token) throws -> [Argument] {
        var args: [Argument] = []
        var sawNamed = false
        while !check(.rightParen) {
            let start = peek
            // A keyword may name an argument too (`print(x, end="")`): `end =` cannot start an expression.
            if start.kind == .identifier || start.kind.isKeyword, peekNext.kind == .assign {
                advance(); advance()
                if args.contains(where: { $0.name == start.lexeme }) {
                    throw error(at: start, "named argument '\(start.lexeme)' given twice")
                }
                args.append(Argument(name: start.lexeme, value: try expression(), location: start.location))
                sawNamed = true
            } else {
                let value = try expression()
                if sawNamed {
                    throw error(at: start, "positional argument after a named one (put positional arguments first)")
                }
                args.append(Argument(name: nil, value: value, location: start.location))
            }
            if !match(.comma) { break }
        }
        try consume(.rightParen, "expected ')' to close the call opened at \(open.location)")
        return args
    }

    // subscripts = subscript { "," subscript };  subscript = expr | [expr] ":" [expr] [":" [expr]]
    mutating func subscripts(_ open: Token) throws -> [Subscript] {
        var parts: [Subscript] = []
        repeat {
            let startsSlice = check(.colon)
            let first: Expr? = startsSlice ? nil : try expression()
            if match(.colon) {
                let stop: Expr? = (check(.colon) || check(.comma) || check(.rightBracket)) ? nil : try expression()
                var step: Expr? = nil
                if match(.colon), !(check(.comma) || check(.rightBracket)) { step = try expression() }
                parts.append(.slice(first, stop, step))
            } else if let first {
                parts.append(.single(first))
            }
        } while match(.comma)
        try consume(.rightBracket, "expected ']' to close the index opened at \(open.location)")
        return parts
    }

    // primary = NUMBER | STRING | "true" | "false" | "none" | NAME | "(" expr ")" | list
    mutating func primary() throws -> Expr {
        let token = peek
        switch token.kind {
        case .number: advance(); return Expr(kind: .number(token.number), location: token.location)
        case .string: advance(); return Expr(kind: .string(token.text), location: token.location)
        case .kwTrue: advance(); return Expr(kind: .bool(true), location: token.location)
        case .kwFalse: advance(); return Expr(kind: .bool(false), location: token.location)
        case .kwNone: advance(); return Expr(kind: .none, location: token.location)
        case .identifier: advance(); return Expr(kind: .variable(token.lexeme), location: token.location)
        case .leftParen:
            try enter(); defer { depth -= 1 }
            advance()
            let inner = try expression()
            try consume(.rightParen, "expected ')' to close the '(' at \(token.location)")
            return inner
        case .leftBracket:
            // list = "[" [ expr { "," expr } [","] ] "]"
            try enter(); defer { depth -= 1 }
            advance()
            var items: [Expr] = []
            while !check(.rightBracket) {
                items.append(try expression())
                if !match(.comma) { break }
            }
            try consume(.rightBracket, "expected ']' to close the list opened at \(token.location)")
            return Expr(kind: .list(items), location: token.location)
        default:
            throw error(at: token, "expected an expression, found \(token.quoted)")
        }
    }
}
