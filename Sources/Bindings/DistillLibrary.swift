// The `distill` namespace: running a distillation method, and judging any small labelled set
// with the evaluation protocol (train fresh networks on it, test on the real test split).
import Autograd
import Datasets
import Distillation
import NeuralNet
import Script
import TensorCore

public enum DistillLibrary {
    public static var namespace: BuiltinNamespace {
        BuiltinNamespace(name: "distill", summary: "distillation methods and the evaluation protocol", builtins: [
            Builtin("distill", parameters: distillParameters, help: distillHelp,
                    example: """
                    syn = distill(data, method="dm", ipc=10, iterations=200, seed=1)
                    syn = distill(data, resume=syn, iterations=400)   # on to 400, as one run would
                    mtt = distill(data, method="mtt", ipc=1, experts=experts(data), budget="10m")
                    """) { args, context in
                let dataset = try datasetArgument(args, 0)
                let earlier = try resumedSet(args)
                let name = args.isGiven("method") || earlier == nil ? try args.string("method").lowercased() : earlier!.synthetic.method
                guard let method = MethodRegistry.method(named: name) else {
                    throw args.error(args.index("method"), "unknown method \"\(name)\" (available: \(MethodRegistry.names.joined(separator: ", ")))")
                }
                return try distill(method, args, data: dataset, context: context)
            },
            Builtin("evaluate", parameters: [.required("set"), .required("data"), .named("model"), .named("runs", default: .number(5)),
                                             .named("epochs", default: .number(300)), .named("lr"), .named("batch", default: .number(256)),
                                             .named("momentum", default: .number(0.9)), .named("weight_decay", default: .number(0.0005)),
                                             .named("aug", default: .string("auto")), .named("seed"),
                                             .named("checkpoint"), .named("every", default: .number(1)),
                                             .named("protocol", default: .string("auto")), .named("validation"), .named("models")],
                    help: "The evaluation protocol of the dataset-distillation papers: trains `runs` fresh networks (default ConvNet-3) on the set (a synthetic set or a split), tests each on the data set's real test split, and reports mean ± std.\n\n`protocol` names the paper whose recipe trains them (docs/evaluation.md cites the reference code): \"dc\" (no augmentation, except DC's crop_scale_rotate on MNIST; 1000 epochs when augmenting, 300 otherwise), \"dsa\" and \"dm\" (DSA augmentation, 1000 epochs), \"idc\" (batch 64, IDC's augmentation without cutout, CutMix p 0.5, lr x0.2 at 2/3 and 5/6, 1000 epochs), \"mtt\" (the set's learned step size, DSA, 1000 epochs), \"dd\" (DD's learned steps and step sizes from the same fixed initialisation, one run, or from `runs` fresh ones), or \"auto\" (the default): the protocol the set records, that of the method that made it (\"dc\" for real subsets and splits). As in the reference code, the dc/dsa/dm/mtt recipes train epochs + 1 epochs with SGD (lr 0.01, momentum 0.9, weight decay 5e-4, batch 256) and lr x0.1 after epoch epochs // 2 + 1. Explicit `epochs`, `aug`, `batch`, `lr`, `momentum`, `weight_decay` replace the protocol's, and the result names the protocol (\"5 runs, protocol dsa, 1000 epochs\").\n\nWith protocol=\"standard\", the recipe evaluate used before protocols: `epochs` epochs (default 300) of the SGD above with lr x0.1 after half, batch 256, and `aug` a DSA strategy, \"dsa\" (the papers' color_crop_cutout_flip_scale_rotate, without flip for digits), \"none\", or \"auto\" (\"dsa\" for sets made by DM/DSA/MTT/IDC/DREAM; none for DC sets and real subsets), DD sets included.\n\n`validation=N` holds out N real train images per class and reports each run's accuracy on them (`r.validation`). A list of learning rates, `lr=[0.001, 0.01, 0.1]`, is a sweep: every rate trains the same runs, the rate with the best mean validation accuracy is chosen (`r.lr`), and its test accuracy is reported; a sweep needs `validation=`, as nothing is ever chosen on the test split.\n\nWith `checkpoint=PATH`, the finished runs are saved there every `every` runs; the same call again resumes with the next run (more `runs` may be asked for).\n\n`models=[convnet(), mlp(), lenet(), alexnet(), vgg11(), resnet18()]` evaluates the set on each architecture (cross-architecture generalisation) and returns a table: printed as one, with `rows` ([name, mean, std] per model) and `results` (one result per model). Under \"dc\", ConvNet with batch norm trains with DC's crop_noise augmentation (1000 epochs), as the reference does for ConvNetBN.\n\nA run whose training diverges (nan or infinite loss) ends the evaluation: the result says so and has no accuracy (mean and std nan). Images with nan or infinite values are refused.\n\nUnder mpirun the runs are split across the ranks, with the same accuracies as one process (docs/scale-out.md).",
                    example: "r = evaluate(syn, data, runs=5, epochs=300)\nr = evaluate(syn, data, protocol=\"auto\")   # the recipe of the method that made syn\nprint(r.mean, r.std)") { args, context in
                try evaluate(args, context: context)
            },
        ] + scoreBuiltins + unrolledBuiltins)
    }
}

/// A batch size larger than the images it is drawn from, clamped to them (memory then stays
/// bounded by the data, whatever was asked for), with a note when the call gave it.
func clampedBatch(_ value: Int, _ name: String, most: Int, of what: String, _ args: Arguments, _ context: CallContext) -> Int {
    guard value > most, most >= 1 else { return value }
    if args.isGiven(name) { context.output.write("note: \(name)=\(value) is more than the \(most) \(what); using \(most)\n") }
    return most
}

/// The data set an argument stands for (a data set, or the data set of a split / synthetic set).
func datasetArgument(_ args: Arguments, _ i: Int) throws -> Dataset {
    switch args.value(i) {
    case .host(let d as DatasetObject): return d.dataset
    case .host(let s as SplitObject): return s.dataset
    case .host(let s as SyntheticObject): return s.dataset
    default: throw args.typeError(i, expected: "dataset")
    }
}

/// A strategy argument with "dsa" read as the papers' default DSA strategy for `dataset`:
/// color_crop_cutout_flip_scale_rotate, without flip on digits (as `aug="auto"` and `experts`).
func dsaStrategy(_ text: String, for dataset: Dataset) -> String { DSA.strategy(named: text, for: dataset) }
