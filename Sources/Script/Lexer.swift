// The lexer: turns .dd source text into tokens, reporting bad characters, numbers and strings
// and carrying on. Newlines inside brackets are dropped; structure is the parser's job.

/// Splits source text into tokens.
///
///     var lexer = Lexer(SourceText(name: "x", text: "a = [1,\n 2]"))
///     let tokens = lexer.scanAll()   // a = [ 1 , 2 ] eof
struct Lexer {
    private let source: SourceText
    private let chars: [Unicode.Scalar]
    private var start = 0, current = 0
    private var line: Int, column = 1
    private var startLine: Int, startColumn = 1
    private var bracketDepth = 0
    private(set) var diagnostics: [Diagnostic] = []

    init(_ source: SourceText) {
        self.source = source
        self.chars = Array(source.text.unicodeScalars)
        self.line = source.firstLine
        self.startLine = source.firstLine
    }

    mutating func scanAll() -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = next()
            if token.kind == .newline, let last = tokens.last,
               last.kind == .newline || last.kind == .semicolon {
                continue
            }
            if token.kind == .newline, tokens.isEmpty { continue }
            tokens.append(token)
            if token.kind == .eof { return tokens }
        }
    }

    private var isAtEnd: Bool { current >= chars.count }
    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        current + offset < chars.count ? chars[current + offset] : nil
    }

    private mutating func advance() -> Unicode.Scalar {
        let c = chars[current]
        current += 1
        if c == "\n" { line += 1; column = 1 } else { column += 1 }
        return c
    }

    private var lexeme: String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: chars[start..<current])
        return String(s)
    }

    private func make(_ kind: TokenKind, number: Double = 0, text: String = "") -> Token {
        Token(kind, lexeme, SourceLocation(line: startLine, column: startColumn), number: number, text: text)
    }

    private mutating func error(_ message: String) {
        diagnostics.append(Diagnostic(.syntax, message, in: source,
                                      at: SourceLocation(line: startLine, column: startColumn)))
    }

    private mutating func next() -> Token {
        while true {
            skipBlanksAndComments()
            start = current; startLine = line; startColumn = column
            guard !isAtEnd else { return make(.eof) }
            let c = advance()
            switch c {
            case "\n":
                if bracketDepth == 0 { return make(.newline) }
            case "(": bracketDepth += 1; return make(.leftParen)
            case "[": bracketDepth += 1; return make(.leftBracket)
            case ")": bracketDepth = max(0, bracketDepth - 1); return make(.rightParen)
            case "]": bracketDepth = max(0, bracketDepth - 1); return make(.rightBracket)
            case ",": return make(.comma)
            case ".": return make(.dot)
            case ":": return make(.colon)
            case ";": return make(.semicolon)
            case "+": return make(.plus)
            case "-": return make(.minus)
            case "/": return make(.slash)
            case "%": return make(.percent)
            case "@": return make(.at)
            case "*": return match("*") ? make(.power) : make(.star)
            case "=": return match("=") ? make(.equal) : make(.assign)
            case "<": return match("=") ? make(.lessEqual) : make(.less)
            case ">": return match("=") ? make(.greaterEqual) : make(.greater)
            case "!":
                if match("=") { return make(.notEqual) }
                error("unexpected character '!' (use 'not' for negation, '!=' for inequality)")
                return make(.invalid)
            case "\"": return string() ?? make(.invalid)
            default:
                if isDigit(c) { return number() ?? make(.invalid) }
                if isNameStart(c) { return name() }
                // A run of the same stray character ("```") is one error, not one per character.
                while peek() == c { _ = advance() }
                error("unexpected character '\(c.escaped(asASCII: false))'")
                return make(.invalid)
            }
        }
    }

    private mutating func match(_ expected: Unicode.Scalar) -> Bool {
        guard peek() == expected else { return false }
        _ = advance()
        return true
    }

    private mutating func skipBlanksAndComments() {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\r" { _ = advance() }
            else if c == "#" { while let d = peek(), d != "\n" { _ = advance() } }
            else { return }
        }
    }

    // number = digits [ "." digits ] [ ("e"|"E") ["+"|"-"] digits ]
    private mutating func number() -> Token? {
        while let c = peek(), isDigit(c) { _ = advance() }
        if peek() == ".", let d = peek(1), isDigit(d) {
            _ = advance()
            while let c = peek(), isDigit(c) { _ = advance() }
        }
        if peek() == "e" || peek() == "E" {
            var offset = 1
            if peek(1) == "+" || peek(1) == "-" { offset = 2 }
            guard let d = peek(offset), isDigit(d) else {
                _ = advance()
                error("malformed number '\(lexeme)' (exponent needs digits)")
                return nil
            }
            for _ in 0..<offset { _ = advance() }
            while let c = peek(), isDigit(c) { _ = advance() }
        }
        if let c = peek(), isNameStart(c) {
            while let c = peek(), isNameStart(c) || isDigit(c) { _ = advance() }
            error("malformed number '\(lexeme)'")
            return nil
        }
        guard let value = Double(lexeme) else {
            error("malformed number '\(lexeme)'")
            return nil
        }
        return make(.number, number: value)
    }

    // string = '"' { character | escape } '"'  (one line; escapes \n \t \" \\ \r \0)
    private mutating func string() -> Token? {
        var text = String.UnicodeScalarView()
        var bad = false
        while let c = peek(), c != "\"", c != "\n" {
            _ = advance()
            guard c == "\\" else { text.append(c); continue }
            guard let e = peek(), e != "\n" else { break }
            _ = advance()
            switch e {
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            case "0": text.append("\0")
            case "\"": text.append("\"")
            case "\\": text.append("\\")
            default:
                if !bad { error("unknown escape '\\\(e)' in string (known: \\n \\t \\r \\0 \\\" \\\\)") }
                bad = true
            }
        }
        guard peek() == "\"" else {
            error("unterminated string (a string must end with a double quote on the same line)")
            return nil
        }
        _ = advance()
        return bad ? nil : make(.string, text: String(text))
    }

    private mutating func name() -> Token {
        while let c = peek(), isNameStart(c) || isDigit(c) { _ = advance() }
        let word = lexeme
        return make(TokenKind.keywords[word] ?? .identifier)
    }

    private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    private func isNameStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }
}
