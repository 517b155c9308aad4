// The syntax tree of the .dd language: expressions, statements and operators, each node with
// the location diagnostics point at. No evaluation lives here (see Interpreter).

/// Binary operators, spelled as in the language. Host objects receive these in `binary`.
public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case matmul = "@", power = "**"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
}

/// Unary operators. Host objects receive `.negate` in `unary`.
public enum UnaryOperator: String, Sendable {
    case negate = "-", not = "not"
}

/// An expression node with the location of its first (or operator) token.
struct Expr {
    indirect enum Kind {
        case number(Double)
        case string(String)
        case bool(Bool)
        case none
        case list([Expr])
        case variable(String)
        case unary(UnaryOperator, Expr)
        /// `**`, the one right-associative operator (each level is nesting, as in `2 ** 3 ** 2`).
        case binary(BinaryOperator, Expr, Expr)
        /// A left-associative run such as `a + b - c`: kept flat, so a long sum is neither deep
        /// to parse, to evaluate nor to free.
        case chain(Expr, [Operation])
        /// `a and b and c`, `a or b or c`: operands in order, evaluated until one decides.
        case and([Expr])
        case or([Expr])
        case call(Expr, [Argument])
        case member(Expr, String)
        case index(Expr, [Subscript])
    }
    let kind: Kind
    let location: SourceLocation
}

/// One step of a left-associative chain: the operator, its right operand and where it is.
struct Operation {
    let op: BinaryOperator
    let operand: Expr
    let location: SourceLocation
}

/// One argument of a call: positional (`name == nil`) or named (`ipc=10`).
struct Argument {
    let name: String?
    let value: Expr
    let location: SourceLocation
}

/// One component inside `[...]`: a single index or a `start:stop:step` slice.
enum Subscript {
    case single(Expr)
    case slice(Expr?, Expr?, Expr?)
}

/// A parameter of a user function, with its default value expression.
struct ParameterSyntax {
    let name: String
    let defaultValue: Expr?
}

/// A statement node.
struct Stmt {
    indirect enum Kind {
        case expression(Expr)
        case assign(String, Expr)
        case `if`([(Expr, [Stmt])], [Stmt]?)
        case `for`(String, Expr, [Stmt])
        case `while`(Expr, [Stmt])
        case def(FunctionSyntax)
        case `return`(Expr?)
        case `break`
        case `continue`
    }
    let kind: Kind
    let location: SourceLocation
}

/// A `def` statement's content; shared by the function values it creates.
final class FunctionSyntax {
    let name: String
    let parameters: [ParameterSyntax]
    let body: [Stmt]
    let source: SourceText
    let location: SourceLocation
    /// Where the closing `end` starts; with `location`, it delimits the definition's text.
    let endLocation: SourceLocation
    init(name: String, parameters: [ParameterSyntax], body: [Stmt], source: SourceText, location: SourceLocation,
         endLocation: SourceLocation) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.source = source
        self.location = location
        self.endLocation = endLocation
    }

    /// The text of the definition, from `def` to its `end` (session files keep functions as text).
    var text: String {
        var lines: [String] = []
        for number in location.line...endLocation.line {
            var scalars = Array(source.line(number).unicodeScalars)
            if number == endLocation.line { scalars = Array(scalars.prefix(endLocation.column - 1 + 3)) }
            if number == location.line { scalars = Array(scalars.dropFirst(location.column - 1)) }
            var line = ""
            line.unicodeScalars.append(contentsOf: scalars)
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}

/// A parsed source: its statements and the text they came from.
public struct Program {
    let statements: [Stmt]
    public let source: SourceText
    /// Number of top-level statements (the REPL echoes top-level expression values).
    public var count: Int { statements.count }
}
