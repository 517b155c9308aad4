// The `session` namespace: saving the whole session (variables, seed state, cell history) to
// a file and loading it back. The work is in SessionCodec.swift; the format in Persistence.
import Persistence
import Script

public enum SessionLibrary {
    public static var namespace: BuiltinNamespace {
        BuiltinNamespace(name: "session", summary: "saving and loading the whole session", builtins: [
            Builtin("save", parameters: [.required("path")],
                    help: "Saves every variable (numbers, strings, lists, tensors, models with their weights, synthetic sets, results, user functions as their text; data sets by reference: name, folder, split, selection), the session seed and its position, and the cell history to `path`. The file is written beside the old one and renamed over it, so a failure (full disk, read-only folder) leaves the previous file as it was. Values that cannot be saved (methods bound to an object) are left out with a note. A symlink at `path` is written through (its target is replaced, the link stays); a folder, device or named pipe there is refused.",
                    example: "save(\"work.ddsession\")") { args, context in
                let path = try args.string(0)
                guard !path.isEmpty else { throw args.error(0, "the path is empty") }
                makeParentFolder(of: path)
                do {
                    for (name, reason) in try context.session.save(to: path) {
                        context.output.write("save: left out '\(name)': \(reason)\n")
                    }
                } catch let e as PersistenceError {
                    throw ScriptError(e.message)
                }
                return .none
            },
            Builtin("load", parameters: [.required("path"), .named("skip_missing", default: .bool(false))],
                    help: "Loads a session saved with `save`: its variables (replacing those of the same name; others are kept), the session seed and its position, and the cell history. Data sets are opened again from where they were; one that is gone is an error naming it, unless `skip_missing=true`, which leaves out the variables that need it. A damaged, truncated, foreign or newer-version file is an error that says which, and changes nothing.",
                    example: "load(\"work.ddsession\")\nprint(syn)") { args, context in
                let path = try args.string(0)
                guard !path.isEmpty else { throw args.error(0, "the path is empty") }
                guard case .bool(let skip) = args.value("skip_missing") else {
                    throw args.typeError(args.index("skip_missing"), expected: "bool")
                }
                do {
                    for (name, reason) in try context.session.load(from: path, skipMissingData: skip) {
                        context.output.write("load: left out '\(name)': \(reason)\n")
                    }
                } catch let e as PersistenceError {
                    throw ScriptError(e.message)
                }
                return .none
            },
        ])
    }
}
