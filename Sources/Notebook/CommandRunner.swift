// Runs one piece of source in a session for any front end: parses, executes, prints
// diagnostics to the error stream and maps the outcome to an exit status.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Script

/// Writes to standard error (diagnostics, progress, notes).
public final class StandardError: OutputWriter {
    public init() {}
    public func write(_ text: String) {
        fputs(text, stderr)
        fflush(stderr)
    }
}

/// Executes sources in a session and reports problems.
public final class CommandRunner {
    public let session: Session
    /// Where diagnostics go (standard error, or the transcript in tests).
    public var errors: OutputWriter

    public init(session: Session, errors: OutputWriter = StandardError()) {
        self.session = session
        self.errors = errors
    }

    /// The outcome of one run.
    public enum Outcome: Equatable {
        case ok
        case syntaxError
        case runtimeError
        case interrupted
        /// The input ended inside an open block or bracket (the REPL reads more).
        case incomplete

        public var status: Int32 {
            switch self {
            case .ok, .incomplete: return ExitStatus.ok
            case .syntaxError: return ExitStatus.syntax
            case .runtimeError: return ExitStatus.runtime
            case .interrupted: return ExitStatus.interrupted
            }
        }
    }

    /// Parses and runs `source`. With `allowIncomplete`, an input that only lacks its end is
    /// reported as `.incomplete` without a message. A long operation stopped by Ctrl-C counts
    /// as interrupted even when the script went on.
    /// `whenComplete` is called once the input is known to be complete, before it runs (the
    /// REPL puts the command in its history then, so quitting during it keeps it).
    @discardableResult
    public func run(_ source: SourceText, allowIncomplete: Bool = false, whenComplete: () -> Void = {}) -> Outcome {
        let program: Program
        do {
            program = try Parser.parse(source)
            whenComplete()
        } catch let e as SyntaxErrors {
            if allowIncomplete, e.isIncompleteInput { return .incomplete }
            whenComplete()
            errors.write(e.description + "\n")
            return .syntaxError
        } catch {
            whenComplete()
            errors.write("\(error)\n")
            return .syntaxError
        }
        do {
            try session.run(program)
        } catch let d as Diagnostic where d.kind == .interrupted {
            errors.write("interrupted at \(d.sourceName):\(d.location.line)\n")
            return .interrupted
        } catch {
            errors.write("\(error)\n")
            return session.interruptRequested() ? .interrupted : .runtimeError
        }
        return session.interruptRequested() ? .interrupted : .ok
    }
}
