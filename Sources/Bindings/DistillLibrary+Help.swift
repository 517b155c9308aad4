// The help text of `distill`, generated from the method registry: one paragraph per method
// (its summary, then the arguments it declares with their help), then what every method shares.
// docs/builtins.md is generated from this text, so a new method documents itself.
import Distillation
import Script

extension DistillLibrary {
    /// The arguments `distill` takes: the data set and the run controls, then every argument a
    /// registered method declares (each method refuses those it does not declare).
    static var distillParameters: [Parameter] {
        [.required("data"), .named("method", default: .string("dm")), .named("ipc", default: .number(10)).alias("per_class")]
            + methodArgumentNames.map { Parameter.named($0) }
            + [.named("seed"), .named("budget"), .named("resume"), .named("checkpoint"), .named("every", default: .number(100))]
    }

    static var distillHelp: String {
        var text = """
        Distils the data set's train split into `ipc` synthetic images per class with `method` and \
        returns the synthetic set. Shows progress; Ctrl-C stops at the end of the current iteration \
        (or matching step) and returns what was made so far (marked interrupted). The same seed gives \
        the same images. Arguments not given take the method's paper defaults; an argument another \
        method reads is an error.

        Methods (`method=`):
        """
        for m in MethodRegistry.all {
            text += "\n- \"\(m.name)\": " + m.summary
            text += " Arguments: " + m.parameters(describedAs: { "`\($0)` \($1)" }).joined(separator: "; ") + "."
        }
        text += "\n\n" + """
        Settings (shared meanings; a method takes those listed with it):
        - `aug`: a DSA strategy, "dsa" (the papers' color_crop_cutout_flip_scale_rotate, without flip \
        for digits) or "none".
        - `init`: "real", "noise" or "kmeans" (DREAM's: the real images nearest k-means centres of a \
        fresh network's features); DD's is "random" or "fixed" (its start networks).
        - `select="dream"`: match against DREAM's representatives instead of random real batches: \
        per class the batch_real images nearest k-means centres of network features, re-clustered \
        every `interval` iterations/steps (default 10), over a random `pool` of each class (default \
        0 = all).
        - `memory` (methods that differentiate through unrolled steps): "checkpointed" recomputes \
        each step in backward instead of storing the graph; "plain" keeps it.
        - A batch larger than the images it is drawn from is clamped to them, with a note. \
        `iterations=0` returns the starting images.

        Stopping and resuming:
        - `budget="10m"` (s, m or h) stops before an iteration that would end past the budget and \
        marks the set.
        - `resume=syn` continues a set an earlier call returned (stopped by Ctrl-C or the budget, or \
        finished: ask for more iterations), bit-identical to an unbroken run: the method, ipc, seed \
        and every setting not given are the set's, and a setting given must equal it (only \
        `iterations` may change). Sets saved in a session keep what resuming needs.
        - `checkpoint=PATH` saves the whole run state there every `every` iterations, at the end and \
        on Ctrl-C; calling `distill` again with the same path and settings resumes from it (more \
        `iterations` may be asked for) and ends with exactly the images of an unbroken run. The path \
        is checked before the first iteration; a save that fails later prints a warning and the set \
        is still returned. Checkpoints and sessions of the previous release (format 1) still load.
        - A run whose images become nan or infinite stops, warns, and returns the images of the \
        iteration before, marked diverged.
        """
        return text
    }
}

extension DistillationMethod {
    /// The method's arguments, each as `describe(name, help)`.
    static func parameters(describedAs describe: (String, String) -> String) -> [String] {
        parameters.map { describe($0.name, $0.help) }
    }
}
