// The tree-walking interpreter for statements (after jlox's Interpreter): control flow,
// scopes, the call stack and turning thrown messages into located diagnostics.
// Expressions are in Interpreter+Expressions.swift, operators in Interpreter+Operators.swift.
import Foundation

/// What the builtins receive besides their arguments: the session (seed, output, attachments)
/// and a way to call back into script functions.
public struct CallContext {
    public let session: Session
    let interpreter: Interpreter

    /// Where the builtin prints.
    public var output: OutputWriter { session.output }

    /// Calls a function value (for builtins that take a callback, like `time`).
    public func call(_ function: Value, _ positional: [Value], named: [(String, Value)] = []) throws -> Value {
        try interpreter.callValue(function, positional: positional, named: named)
    }
}

/// Runs programs for one session.
final class Interpreter {
    unowned let session: Session
    /// Active user-function calls, outermost first.
    var frames: [Diagnostic.Frame] = []
    static let maxCallDepth = 200

    init(session: Session) {
        self.session = session
    }

    enum Flow {
        case normal
        case returned(Value)
        case broke
        case continued
    }

    func execute(_ program: Program) throws {
        frames = []
        for stmt in program.statements {
            try checkInterrupt(stmt, program.source)
            if session.echoesExpressions, case .expression(let expr) = stmt.kind {
                let value = try evaluate(expr, session.globals, program.source)
                if case .none = value { continue }
                session.output.write(value.description + "\n")
            } else {
                _ = try execute(stmt, session.globals, program.source)
            }
        }
    }

    func checkInterrupt(_ stmt: Stmt, _ source: SourceText) throws {
        if session.stopsAtStatementOnInterrupt, session.interruptRequested() {
            throw Diagnostic(.interrupted, "interrupted", in: source, at: stmt.location, trace: trace)
        }
    }

    func executeBlock(_ statements: [Stmt], _ env: Environment, _ source: SourceText) throws -> Flow {
        for stmt in statements {
            try checkInterrupt(stmt, source)
            let flow = try execute(stmt, env, source)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    func execute(_ stmt: Stmt, _ env: Environment, _ source: SourceText) throws -> Flow {
        switch stmt.kind {
        case .expression(let expr):
            _ = try evaluate(expr, env, source)
        case .assign(let name, let expr):
            env.set(name, try evaluate(expr, env, source))
        case .if(let branches, let otherwise):
            for (condition, body) in branches where try evaluate(condition, env, source).isTruthy {
                return try executeBlock(body, env, source)
            }
            if let otherwise { return try executeBlock(otherwise, env, source) }
        case .for(let name, let sequenceExpr, let body):
            let sequence = try evaluate(sequenceExpr, env, source)
            for item in try items(of: sequence, at: sequenceExpr.location, source) {
                // Also between iterations: a loop with an empty body has no statement to stop at.
                if session.interruptRequested() && session.stopsAtStatementOnInterrupt {
                    throw Diagnostic(.interrupted, "interrupted", in: source, at: stmt.location, trace: trace)
                }
                env.set(name, item)
                switch try executeBlock(body, env, source) {
                case .broke: return .normal
                case .returned(let v): return .returned(v)
                case .normal, .continued: continue
                }
            }
        case .while(let condition, let body):
            while try evaluate(condition, env, source).isTruthy {
                switch try executeBlock(body, env, source) {
                case .broke: return .normal
                case .returned(let v): return .returned(v)
                case .normal, .continued:
                    if session.interruptRequested() && session.stopsAtStatementOnInterrupt {
                        throw Diagnostic(.interrupted, "interrupted", in: source, at: stmt.location, trace: trace)
                    }
                }
            }
        case .def(let syntax):
            var defaults: [Value?] = []
            for p in syntax.parameters {
                defaults.append(try p.defaultValue.map { try evaluate($0, env, source) })
            }
            env.set(syntax.name, .function(UserFunction(syntax: syntax, closure: env, defaults: defaults)))
        case .return(let expr):
            return .returned(try expr.map { try evaluate($0, env, source) } ?? .none)
        case .break:
            return .broke
        case .continue:
            return .continued
        }
        return .normal
    }

    /// The values `for` visits: list items, string characters, or a host object's elements.
    func items(of sequence: Value, at location: SourceLocation, _ source: SourceText) throws -> [Value] {
        switch sequence {
        case .list(let items): return items
        case .string(let s): return s.map { .string(String($0)) }
        case .host(let object):
            if let items = try located(location, source, { try object.elements() }) { return items }
        default: break
        }
        throw fail("cannot loop over a \(sequence.typeName) (a list, string or range(n) is expected)", location, source)
    }

    // MARK: - Diagnostics

    /// The call stack for a diagnostic, innermost first.
    var trace: [Diagnostic.Frame] { frames.reversed() }

    func fail(_ message: String, _ location: SourceLocation, _ source: SourceText) -> Diagnostic {
        Diagnostic(.runtime, message, in: source, at: location, trace: trace)
    }

    /// Runs host code, giving any plain error it throws the location of the expression.
    func located<T>(_ location: SourceLocation, _ source: SourceText, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let diagnostic as Diagnostic {
            throw diagnostic
        } catch let error as ScriptError {
            throw fail(error.message, location, source)
        } catch {
            throw fail(Interpreter.message(of: error), location, source)
        }
    }

    /// The text of an error thrown by host code that is not a ScriptError (e.g. TensorError).
    static func message(of error: Error) -> String {
        if let localized = error as? LocalizedError, let text = localized.errorDescription { return text }
        return String(describing: error)
    }
}

extension CallContext {
    /// The seed a random builtin uses: the integer given as its parameter `name` (usually
    /// named `seed`), or the next seed derived from the session seed when that is none.
    public func seed(_ args: Arguments, _ name: String = "seed") throws -> UInt64 {
        guard let given = try args.optionalInteger(name) else { return session.nextSeed() }
        guard given >= 0 else { throw args.error(args.index(name), "seed must be 0 or more, got \(given)") }
        return UInt64(given)
    }
}
