// What a session file needs from the language: the cell history, a stamp that tells whether
// a command changed any state, and user functions turned into text and back. The file
// format itself lives in Persistence, the saving of values in Bindings.

extension Session {
    /// One command run in the session and what it printed.
    public struct Cell: Equatable {
        public var code: String
        public var output: String
        public init(code: String, output: String) {
            self.code = code
            self.output = output
        }
    }

    /// Changes when a variable is assigned or removed or the seed sequence moves; equal
    /// stamps before and after a command mean it changed nothing worth saving.
    public struct StateStamp: Equatable {
        let mutations: Int
        let seed: UInt64
        let draws: UInt64
    }

    public var stateStamp: StateStamp {
        StateStamp(mutations: globals.mutations, seed: seed, draws: seedDraws)
    }

    /// The text of a user function (`def name(...) ... end`) and the default values its `def`
    /// computed, or nil for any other value.
    public static func functionParts(_ value: Value) -> (text: String, defaults: [Value?])? {
        guard case .function(let f as UserFunction) = value else { return nil }
        return (f.syntax.text, f.defaults)
    }

    /// A user function made from the text of one `def` and its saved default values, closing
    /// over the global scope. Nothing is bound or evaluated.
    public func makeFunction(text: String, defaults: [Value?], sourceName: String) throws -> Value {
        let program = try Parser.parse(SourceText(name: sourceName, text: text))
        guard program.statements.count == 1, case .def(let syntax) = program.statements[0].kind else {
            throw ScriptError("\(sourceName): expected the text of one function definition")
        }
        guard defaults.count == syntax.parameters.count,
              zip(syntax.parameters, defaults).allSatisfy({ ($0.defaultValue == nil) == ($1 == nil) }) else {
            throw ScriptError("\(sourceName): the saved default values do not fit the parameters of '\(syntax.name)'")
        }
        return .function(UserFunction(syntax: syntax, closure: globals, defaults: defaults))
    }
}
