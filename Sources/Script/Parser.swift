// The parser for statements: recursive descent over tokens, after jlox, with `synchronize()`
// so one file reports several syntax errors. Expressions are in Parser+Expressions.swift.

/// Parses .dd source into a `Program`, or throws `SyntaxErrors` listing every error found.
///
///     let program = try Parser.parse(SourceText(name: "demo.dd", text: "x = 1 + 2"))
public struct Parser {
    /// Deepest nesting of brackets, blocks and unary operators accepted (protects the stack).
    static let maxDepth = 100
    /// At most this many syntax errors are reported per source.
    static let maxErrors = 20

    let source: SourceText
    var tokens: [Token]
    var current = 0
    var depth = 0
    var functionDepth = 0
    var loopDepth = 0
    var blockDepth = 0
    var diagnostics: [Diagnostic] = []

    struct Abort: Error {}

    init(source: SourceText, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
    }

    /// Parses a whole source; throws `SyntaxErrors` when it has any error.
    public static func parse(_ source: SourceText) throws -> Program {
        var lexer = Lexer(source)
        let tokens = lexer.scanAll()
        var parser = Parser(source: source, tokens: tokens)
        let statements = parser.program()
        let all = (lexer.diagnostics + parser.diagnostics).sorted {
            ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column)
        }
        if !all.isEmpty { throw SyntaxErrors(diagnostics: Array(all.prefix(maxErrors))) }
        return Program(statements: statements, source: source)
    }

    // program = { separator } { statement ( separator | EOF ) }
    mutating func program() -> [Stmt] {
        var statements: [Stmt] = []
        skipSeparators()
        while !check(.eof) {
            if diagnostics.count >= Parser.maxErrors { break }
            let before = current
            do {
                if check(.kwEnd) || check(.kwElif) || check(.kwElse) {
                    throw error(at: peek, "'\(peek.lexeme)' without an open block (if, for, while or def)")
                }
                statements.append(try statement())
                try endOfStatement()
            } catch {
                synchronize()
                if current == before { advance() }
            }
            skipSeparators()
        }
        return statements
    }

    // block = { separator } { statement ( separator | block-end ) }, ending before one of `enders`
    mutating func block(_ enders: [TokenKind], opener: Token) throws -> [Stmt] {
        var statements: [Stmt] = []
        blockDepth += 1; defer { blockDepth -= 1 }
        skipSeparators()
        while !enders.contains(peek.kind) {
            if check(.eof) {
                let want = enders.map { "'\($0.rawValue)'" }.joined(separator: " or ")
                throw error(at: peek, "expected \(want) to close '\(opener.lexeme)' at line \(opener.location.line), found end of input")
            }
            if diagnostics.count >= Parser.maxErrors { throw Abort() }
            let before = current
            do {
                statements.append(try statement())
                try endOfStatement()
            } catch let abort as Abort where diagnostics.last?.atEndOfInput == true {
                throw abort
            } catch {
                synchronize()
                if current == before { advance() }
            }
            skipSeparators()
        }
        return statements
    }

    // statement = if | for | while | def | return | "break" | "continue" | NAME "=" expr | expr
    mutating func statement() throws -> Stmt {
        let token = peek
        switch token.kind {
        case .kwIf: return try ifStatement()
        case .kwFor: return try forStatement()
        case .kwWhile: return try whileStatement()
        case .kwDef: return try defStatement()
        case .kwReturn:
            advance()
            if functionDepth == 0 { throw error(at: token, "'return' outside a function") }
            if atStatementEnd { return Stmt(kind: .return(nil), location: token.location) }
            return Stmt(kind: .return(try expression()), location: token.location)
        case .kwBreak, .kwContinue:
            advance()
            if loopDepth == 0 { throw error(at: token, "'\(token.lexeme)' outside a loop") }
            return Stmt(kind: token.kind == .kwBreak ? .break : .continue, location: token.location)
        case .identifier where peekNext.kind == .assign:
            advance(); advance()
            let value = try expression()
            if check(.assign) {
                throw error(at: peek, "chained assignment is not supported; assign one name per statement")
            }
            return Stmt(kind: .assign(token.lexeme, value), location: token.location)
        default:
            let expr = try expression()
            if check(.assign) {
                throw error(at: peek, "can only assign to a name (e.g. 'x = ...'), not to an expression")
            }
            return Stmt(kind: .expression(expr), location: token.location)
        }
    }

    // if = "if" expr block { "elif" expr block } [ "else" block ] "end"
    mutating func ifStatement() throws -> Stmt {
        let opener = advance()
        try enter(); defer { depth -= 1 }
        var branches: [(Expr, [Stmt])] = []
        var otherwise: [Stmt]? = nil
        let condition = try expression()
        branches.append((condition, try block([.kwElif, .kwElse, .kwEnd], opener: opener)))
        while match(.kwElif) {
            let c = try expression()
            branches.append((c, try block([.kwElif, .kwElse, .kwEnd], opener: opener)))
        }
        if match(.kwElse) { otherwise = try block([.kwEnd], opener: opener) }
        try consume(.kwEnd, "expected 'end' to close 'if' at line \(opener.location.line)")
        return Stmt(kind: .if(branches, otherwise), location: opener.location)
    }

    // for = "for" NAME "in" expr block "end"
    mutating func forStatement() throws -> Stmt {
        let opener = advance()
        try enter(); defer { depth -= 1 }
        let name = try consume(.identifier, "expected a loop variable name after 'for'")
        try consume(.kwIn, "expected 'in' after 'for \(name.lexeme)'")
        let sequence = try expression()
        loopDepth += 1; defer { loopDepth -= 1 }
        let body = try block([.kwEnd], opener: opener)
        try consume(.kwEnd, "expected 'end' to close 'for' at line \(opener.location.line)")
        return Stmt(kind: .for(name.lexeme, sequence, body), location: opener.location)
    }

    // while = "while" expr block "end"
    mutating func whileStatement() throws -> Stmt {
        let opener = advance()
        try enter(); defer { depth -= 1 }
        let condition = try expression()
        loopDepth += 1; defer { loopDepth -= 1 }
        let body = try block([.kwEnd], opener: opener)
        try consume(.kwEnd, "expected 'end' to close 'while' at line \(opener.location.line)")
        return Stmt(kind: .while(condition, body), location: opener.location)
    }

    // def = "def" NAME "(" [ param { "," param } ] ")" block "end";  param = NAME [ "=" expr ]
    mutating func defStatement() throws -> Stmt {
        let opener = advance()
        try enter(); defer { depth -= 1 }
        let name = try consume(.identifier, "expected a function name after 'def'")
        try consume(.leftParen, "expected '(' after 'def \(name.lexeme)'")
        var parameters: [ParameterSyntax] = []
        if !check(.rightParen) {
            repeat {
                let p = try consume(.identifier, "expected a parameter name")
                if parameters.contains(where: { $0.name == p.lexeme }) {
                    throw error(at: p, "parameter '\(p.lexeme)' appears twice in 'def \(name.lexeme)'")
                }
                var value: Expr? = nil
                if match(.assign) { value = try expression() }
                else if parameters.last?.defaultValue != nil {
                    throw error(at: p, "parameter '\(p.lexeme)' needs a default value because the one before it has one")
                }
                parameters.append(ParameterSyntax(name: p.lexeme, defaultValue: value))
            } while match(.comma)
        }
        try consume(.rightParen, "expected ')' after the parameters of '\(name.lexeme)'")
        let outerLoops = loopDepth
        loopDepth = 0; functionDepth += 1
        defer { loopDepth = outerLoops; functionDepth -= 1 }
        let body = try block([.kwEnd], opener: opener)
        let end = try consume(.kwEnd, "expected 'end' to close 'def \(name.lexeme)' at line \(opener.location.line)")
        let syntax = FunctionSyntax(name: name.lexeme, parameters: parameters, body: body,
                                    source: source, location: opener.location, endLocation: end.location)
        return Stmt(kind: .def(syntax), location: opener.location)
    }

    // MARK: - Token helpers

    var peek: Token { tokens[current] }
    var peekNext: Token { tokens[min(current + 1, tokens.count - 1)] }
    func check(_ kind: TokenKind) -> Bool { peek.kind == kind }
    var atStatementEnd: Bool {
        [.newline, .semicolon, .eof, .kwEnd, .kwElif, .kwElse].contains(peek.kind)
    }

    @discardableResult mutating func advance() -> Token {
        let token = tokens[current]
        if token.kind != .eof { current += 1 }
        return token
    }

    mutating func match(_ kind: TokenKind) -> Bool {
        guard check(kind) else { return false }
        advance()
        return true
    }

    @discardableResult mutating func consume(_ kind: TokenKind, _ message: String) throws -> Token {
        guard check(kind) else { throw error(at: peek, "\(message), found \(peek.quoted)") }
        return advance()
    }

    /// A statement must be followed by a separator, a block keyword or the end of input.
    mutating func endOfStatement() throws {
        if atStatementEnd { _ = match(.newline) || match(.semicolon); return }
        throw error(at: peek, "expected end of line or ';' after the statement, found \(peek.quoted)")
    }

    mutating func skipSeparators() {
        while match(.newline) || match(.semicolon) {}
    }

    mutating func enter() throws {
        depth += 1
        if depth > Parser.maxDepth { throw error(at: peek, "nesting too deep (more than \(Parser.maxDepth) levels)") }
    }

    /// Records a diagnostic at `token` and returns the error to throw. An error at the end of
    /// input is placed just after the last token, on the line where the text stops. Invalid
    /// tokens were reported by the lexer already.
    mutating func error(at token: Token, _ message: String) -> Abort {
        if token.kind == .invalid { return Abort() }
        var location = token.location
        if token.kind == .eof, let i = tokens.lastIndex(where: { $0.kind != .eof }) {
            let last = tokens[i]
            location = SourceLocation(line: last.location.line,
                                      column: last.location.column + (last.kind == .newline ? 0 : last.lexeme.unicodeScalars.count))
        }
        diagnostics.append(Diagnostic(.syntax, message, in: source, at: location, atEndOfInput: token.kind == .eof))
        return Abort()
    }

    /// Skips to the start of the next statement after an error (jlox's synchronize).
    mutating func synchronize() {
        while !check(.eof) {
            if check(.newline) || check(.semicolon) { return }
            // Resume at a keyword that starts a statement, or (inside a block) one that ends it;
            // at the top level a stray 'end' after an error belongs to the broken statement.
            if [.kwIf, .kwFor, .kwWhile, .kwDef, .kwReturn].contains(peek.kind) { return }
            if blockDepth > 0, [.kwEnd, .kwElif, .kwElse].contains(peek.kind) { return }
            advance()
        }
    }
}
