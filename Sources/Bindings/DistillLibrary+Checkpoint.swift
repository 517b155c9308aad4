// The `checkpoint=` and `every=` arguments shared by long-running builtins (distill, train,
// evaluate), and what identifies a train or evaluate run in its checkpoint.
import Distillation
import NeuralNet
import Persistence
import Script

/// The checkpoint a call asks for, or nil when `checkpoint` is none.
func checkpointArgument(_ args: Arguments) throws -> Checkpoint? {
    guard let path = try args.optionalString("checkpoint") else { return nil }
    guard !path.isEmpty else { throw args.error(args.index("checkpoint"), "the checkpoint path is empty") }
    let every = try args.integer("every")
    guard every >= 1 else { throw args.error(args.index("every"), "every must be at least 1, got \(every)") }
    makeParentFolder(of: path)
    // The path is checked here, before the first step: a run must not end in an unwritable file.
    return try Checkpoint(path: path, every: every)
}

/// Prints a loud warning when a run's last checkpoint save failed (the run went on and its
/// result is returned; the file is out of date).
func warnIfNotSaved(_ checkpoint: Checkpoint?, _ callee: String, _ context: CallContext) {
    guard let failure = checkpoint?.failure else { return }
    context.output.write("warning: \(callee): \(failure); the result is returned, but the checkpoint file is out of date\n")
}

/// What identifies a `train` or `evaluate` run in its checkpoint: resuming with any of these
/// different is an error naming the field.
struct RunIdentity: Encodable {
    var model: ModelSpec
    var train: TrainConfig
    var aug: String
    var seed: UInt64
    var data: String
    var images: Int
}
