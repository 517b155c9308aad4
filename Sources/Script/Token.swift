// Tokens of the .dd language: kinds, spelling and where each one starts.
// The lexer makes them; the parser consumes them. No syntax lives here.

/// The kind of a token. Keywords and punctuation carry their spelling as raw value.
public enum TokenKind: String, Sendable, CaseIterable {
    // Literals and names.
    case number = "number", string = "string", identifier = "name"
    // Keywords.
    case kwAnd = "and", kwOr = "or", kwNot = "not", kwIf = "if", kwElif = "elif", kwElse = "else"
    case kwEnd = "end", kwFor = "for", kwIn = "in", kwWhile = "while", kwDef = "def"
    case kwReturn = "return", kwBreak = "break", kwContinue = "continue"
    case kwTrue = "true", kwFalse = "false", kwNone = "none"
    // Punctuation and operators.
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case comma = ",", dot = ".", colon = ":", semicolon = ";", assign = "="
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%", at = "@", power = "**"
    // Structure.
    case newline = "newline", eof = "end of input"
    /// A token the lexer could not read; its error is already reported.
    case invalid = "invalid token"

    /// Keyword spellings, for the lexer and for completion.
    public static let keywords: [String: TokenKind] = {
        var map: [String: TokenKind] = [:]
        for kind in TokenKind.allCases where kind.isKeyword { map[kind.rawValue] = kind }
        return map
    }()

    public var isKeyword: Bool { String(describing: self).hasPrefix("kw") }
}

/// One token: its kind, its exact spelling, its literal value (numbers, strings) and position.
public struct Token: Sendable {
    public let kind: TokenKind
    public let lexeme: String
    public let number: Double
    public let text: String
    public let location: SourceLocation

    init(_ kind: TokenKind, _ lexeme: String, _ location: SourceLocation, number: Double = 0, text: String = "") {
        self.kind = kind
        self.lexeme = lexeme
        self.location = location
        self.number = number
        self.text = text
    }

    /// How a diagnostic names this token: `'end'`, `number 3`, `end of input`.
    var quoted: String {
        switch kind {
        case .eof: return "end of input"
        case .newline: return "end of line"
        case .number: return "number \(lexeme)"
        case .string: return "string \(lexeme)"
        case .identifier: return "name '\(lexeme)'"
        default: return "'\(lexeme)'"
        }
    }
}
