// A session: the state one REPL, script or notebook run keeps between commands (variables,
// builtins, seed, output, attachments for the host). No global state: tests run many at once.

/// One interpreter session.
///
///     let session = Session(registry: registry)
///     let out = OutputBuffer()
///     session.output = out
///     try session.run(SourceText(name: "demo", text: "print(1 + 2)"))
///     out.text   // "3\n"
public final class Session {
    public let registry: BuiltinRegistry
    /// Top-level variables.
    public let globals = Environment()
    /// Where `print` and echoed values go.
    public var output: OutputWriter = StandardOutput()
    /// When true, top-level expression statements print their value unless it is none
    /// (REPL, notebooks, `-e`); scripts run with `distill run` print only what they print.
    public var echoesExpressions = false
    /// Polled between statements; front ends connect it to the Ctrl-C flag.
    public var interruptRequested: () -> Bool = { false }
    /// Called before and after each command to reset the Ctrl-C flag. Sessions made in tests
    /// leave it empty, so they never touch the process-wide flag other tests may be using.
    public var clearInterrupt: () -> Void = {}
    /// True (every front end): an interrupt stops the command at the next statement. False:
    /// the script goes on and only long operations stop (tests of builtins use this).
    public var stopsAtStatementOnInterrupt = true
    /// The folder where builtins put pictures they name themselves (notebooks set `NAME.files`).
    public var artifactDirectory: String? = nil

    /// The session seed every random builtin derives from when it is not given one.
    public private(set) var seed: UInt64 = 0
    /// How many seeds `nextSeed` has handed out since the seed was set (saved with sessions).
    public private(set) var seedDraws: UInt64 = 0
    /// The commands run so far with what they printed (REPL cells; saved with sessions).
    public var history: [Cell] = []
    private var attachments: [ObjectIdentifier: Any] = [:]
    private var artifacts: [Artifact] = []
    lazy var interpreter = Interpreter(session: self)

    public init(registry: BuiltinRegistry) {
        self.registry = registry
    }

    /// Parses and runs `source`; throws `SyntaxErrors` before running anything if it does not
    /// parse, or the `Diagnostic` of the first runtime error.
    public func run(_ source: SourceText) throws {
        let program = try Parser.parse(source)
        try interpreter.execute(program)
    }

    /// Runs an already parsed program.
    public func run(_ program: Program) throws {
        try interpreter.execute(program)
    }

    /// Calls a function value (a builtin or a user function) with positional arguments.
    public func call(_ function: Value, _ arguments: [Value]) throws -> Value {
        try interpreter.callValue(function, positional: arguments, named: [])
    }

    // MARK: - Seed

    /// Sets the session seed and restarts the sequence of derived seeds.
    public func setSeed(_ value: UInt64) {
        seed = value
        seedDraws = 0
    }

    /// Puts back a seed and its draw count saved earlier, so the next derived seeds are the
    /// ones the saved session would have produced.
    public func restoreSeed(_ value: UInt64, draws: UInt64) {
        seed = value
        seedDraws = draws
    }

    /// A fresh seed for one random builtin call: the n-th derived value of the session seed
    /// (SplitMix64 of seed + n), so a script gives the same numbers every run.
    public func nextSeed() -> UInt64 {
        seedDraws &+= 1
        var z = seed &+ seedDraws &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    // MARK: - Attachments for the host

    /// Host services hung on the session by type (Bindings keeps the progress sink here).
    public func attachment<T>(_ type: T.Type) -> T? {
        attachments[ObjectIdentifier(type)] as? T
    }

    public func setAttachment<T>(_ value: T?, for type: T.Type) {
        attachments[ObjectIdentifier(type)] = value
    }

    // MARK: - Artifacts

    /// A file a builtin wrote that a notebook should link (a picture).
    public struct Artifact: Equatable {
        public let path: String
        public let caption: String
    }

    /// Records that a builtin wrote `path`; notebooks link it below the cell.
    public func recordArtifact(path: String, caption: String) {
        artifacts.append(Artifact(path: path, caption: caption))
    }

    /// The artifacts recorded since the last call.
    public func takeArtifacts() -> [Artifact] {
        defer { artifacts = [] }
        return artifacts
    }

    // MARK: - Names

    /// Variable names then builtin names, for completion and `vars()`.
    public var variableNames: [String] { globals.localNames }
}
