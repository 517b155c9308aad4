// The `checkpoint=` and `every=` arguments shared by long-running builtins.
import Distillation
import Script

/// The checkpoint a call asks for, or nil when `checkpoint` is none.
func checkpointArgument(_ args: Arguments) throws -> Checkpoint? {
    guard let path = try args.optionalString("checkpoint") else { return nil }
    guard !path.isEmpty else { throw args.error(args.index("checkpoint"), "the checkpoint path is empty") }
    let every = try args.integer("every")
    guard every >= 1 else { throw args.error(args.index("every"), "every must be at least 1, got \(every)") }
    makeParentFolder(of: path)
    return try Checkpoint(path: path, every: every)
}
