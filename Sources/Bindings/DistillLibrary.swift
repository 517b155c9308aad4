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
            Builtin("distill", parameters: [.required("data"), .named("method", default: .string("dm")), .named("ipc", default: .number(10)).alias("per_class"),
                                            .named("iterations"), .named("lr"), .named("batch_real"), .named("init"),
                                            .named("aug"), .named("distance"), .named("factor"), .named("model"), .named("seed"),
                                            .named("select", default: .string("random")), .named("interval"), .named("pool"),
                                            .named("features"), .named("budget"), .named("resume"),
                                            .named("checkpoint"), .named("every", default: .number(100))] + unrolledParameters,
                    help: """
                    Distils the data set's train split into `ipc` synthetic images per class with `method` and \
                    returns the synthetic set. Shows progress; Ctrl-C stops at the end of the current iteration \
                    and returns what was made so far (marked interrupted). The same seed gives the same images.

                    Methods (`method=`):
                    - "dm": distribution matching (the default).
                    - "dc": gradient matching; "dsa": gradient matching with Siamese augmentation.
                    - "idc": gradient matching of multi-formation images; `factor` tiles per side (default 2).
                    - "dream": IDC with DREAM's selection and k-means init.
                    - "mtt": trajectory matching against `experts=` from experts(); options syn_steps, \
                    expert_epochs, max_start_epoch, lr (of the images), lr_lr, lr_teacher (initial step size, \
                    default the experts' lr), batch_syn. Defaults are the authors' table for the data set and \
                    ipc; the authors whiten CIFAR with ZCA: pass zca(data).
                    - "dd": the original dataset distillation: `steps` distinct GD steps of ipc/steps images per \
                    class, repeated `epochs` times, each with a learned step size. init "random" or "fixed"; \
                    pretrain=EPOCHS for pre-trained start weights (a pool of `pool`); lr (Adam) 0.01, batch_real \
                    1024, lr_teacher (initial step size) 0.02, decay_every (iterations between halvings of lr; \
                    default 40 passes over the real data, as the reference); model LeNet for one-channel images, \
                    AlexCifarNet otherwise, with Xavier-normal weights unless weights="default".

                    Settings (those not given take the paper's defaults):
                    - dm: 20000 iterations, lr 1, batch_real 256, init "real"; dc/dsa: 1000 iterations, lr 0.1, \
                    batch_real 256, init "noise"/"real", distance "ours"; model convnet().
                    - `aug`: a DSA strategy, "dsa" (the papers' color_crop_cutout_flip_scale_rotate, without \
                    flip for digits: the default) or "none".
                    - `init`: "real", "noise" or "kmeans" (DREAM's: the real images nearest k-means centres of a \
                    fresh network's features).
                    - `select="dream"` (dm, dc, dsa, idc): match against DREAM's representatives instead of \
                    random real batches: per class the batch_real images nearest k-means centres of network \
                    features, re-clustered every `interval` iterations/steps (default 10), over a random `pool` \
                    of each class (default 0 = all). For dm, `features` is "fixed" (one random network for the \
                    run, the default) or "current" (the iteration's network).
                    - `memory` (mtt and dd differentiate through unrolled steps): "checkpointed" recomputes each \
                    step in backward instead of storing the graph (DD also takes its real batch in chunks of \
                    256); the default for DD on colour images, "plain" otherwise. An iteration whose loss or \
                    gradient is not finite is skipped and counted (setting "skipped").

                    Stopping and resuming:
                    - `budget="10m"` (s, m or h) stops before an iteration that would end past the budget and \
                    marks the set.
                    - `resume=syn` continues a set an earlier call returned (stopped by Ctrl-C or the budget, or \
                    finished: ask for more iterations), bit-identical to an unbroken run: the method, ipc, seed \
                    and every setting not given are the set's, and a setting given must equal it (only \
                    `iterations` may change).
                    - `checkpoint=PATH` saves the whole run state there every `every` iterations, at the end and \
                    on Ctrl-C; calling `distill` again with the same path and settings resumes from it (more \
                    `iterations` may be asked for) and ends with exactly the images of an unbroken run. The path \
                    is checked before the first iteration; a save that fails later prints a warning and the set \
                    is still returned.
                    - A run whose images become nan or infinite (DM, DC/DSA, IDC/DREAM) stops, warns, and returns \
                    the images of the iteration before, marked diverged.
                    """,
                    example: """
                    syn = distill(data, method="dm", ipc=10, iterations=200, seed=1)
                    syn = distill(data, resume=syn, iterations=400)   # on to 400, as one run would
                    mtt = distill(data, method="mtt", ipc=1, experts=experts(data), budget="10m")
                    """) { args, context in
                let dataset = try datasetArgument(args, 0)
                let earlier = try resumedSet(args)
                let name = args.isGiven("method") || earlier == nil ? try args.string("method").lowercased() : earlier!.synthetic.method
                if let method = MethodRegistry.method(named: name) {
                    return try distill(method, args, data: dataset, context: context)
                }
                var options = try DistillOptions(args, dataset: dataset)
                let control = options.control
                // Resuming: method, ipc, seed and every setting not given default to the set's.
                let resumed = control.resume?.resumeState
                let method = args.isGiven("method") || control.resume == nil
                    ? try args.string("method").lowercased() : control.resume!.method
                let ipc = args.isGiven("ipc") || control.resume == nil ? try args.integer("ipc") : control.resume!.ipc
                guard ipc >= 1 else { throw args.error(args.index("ipc"), "ipc must be at least 1, got \(ipc)") }
                if method != "mtt", let v = options.batchReal {
                    // DD draws its real batch from the whole split, the others per class.
                    let (most, what) = method == "dd" ? (dataset.train.count, "images of the train split")
                                                      : (dataset.train.classIndex.map(\.count).max() ?? 0, "images of the largest class")
                    options.batchReal = clampedBatch(v, "batch_real", most: most, of: what, args, context)
                }
                if let earlier = control.resume, earlier.ipc != ipc {
                    throw args.error(args.index("resume"), "the set to resume has \(earlier.ipc) images per class, not ipc \(ipc)")
                }
                let seed: UInt64
                if !args.isGiven("seed"), let text = control.resume?.settings["seed"], let s = UInt64(text) { seed = s } else { seed = try context.seed(args) }
                let checkpoint = try checkpointArgument(args)
                if options.selection != .random, !["dm", "dc", "dsa", "idc", "dream"].contains(method) {
                    throw args.error(args.index("select"), "select=\"dream\" works with dm, dc, dsa and idc, not \(method)")
                }
                if case .host(let earlier as SyntheticObject) = args.value("resume"),
                   (earlier.dataset.whitening == nil) != (dataset.whitening == nil) {
                    throw args.error(0, "the set to resume was distilled from \(earlier.dataset.whitening == nil ? "unwhitened" : "ZCA-whitened") data, and this data set is \(dataset.whitening == nil ? "not whitened" : "ZCA-whitened")")
                }
                if options.features != nil, method != "dm" {
                    throw args.error(args.index("features"), "features= chooses DREAM's network for dm only")
                }
                /// The settings of the resumed run when it is one of `method`, else `fresh`.
                let selectGiven = args.isGiven("select") || options.selectionTuned
                do {
                    let set: SyntheticSet
                    switch method {
                    case "dm":
                        var c = DMConfig(ipc: ipc)
                        c.dsa = isDigits(dataset) ? DSA.digitsStrategy : DSA.defaultStrategy
                        c = try resumed.settings(for: method, else: c)
                        c.seed = seed
                        options.apply(&c.iterations, &c.learningRate, &c.batchReal, &c.initialization, &c.model)
                        if let d = options.dsa { c.dsa = d }
                        if selectGiven { c.selection = options.selection }
                        if let f = options.features { c.dreamFeatures = f }
                        set = try DistributionMatching.run(dataset, config: c, checkpoint: checkpoint, control: control, progress: context.progress)
                    case "mtt":
                        set = try distillMTT(args, dataset: dataset, ipc: ipc, seed: seed, options: options, resumed: resumed, checkpoint: checkpoint, context: context)
                    case "dd":
                        set = try distillDD(args, dataset: dataset, ipc: ipc, seed: seed, options: options, resumed: resumed, checkpoint: checkpoint, context: context)
                    default:
                        throw args.error(args.index("method"), "unknown method \"\(method)\" (available: dm, dc, dsa, idc, dream, mtt, dd)")
                    }
                    if let d = set.diverged {
                        context.output.write("warning: distill: the run diverged: \(d) (HINT: lower lr)\n")
                    }
                    warnIfNotSaved(checkpoint, "distill", context)
                    return .host(SyntheticObject(set, dataset: dataset))
                } catch let e as TensorError { throw ScriptError(e.message) }
            },
            Builtin("evaluate", parameters: [.required("set"), .required("data"), .named("model"), .named("runs", default: .number(5)),
                                             .named("epochs", default: .number(300)), .named("lr"), .named("batch", default: .number(256)),
                                             .named("momentum", default: .number(0.9)), .named("weight_decay", default: .number(0.0005)),
                                             .named("aug", default: .string("auto")), .named("seed"),
                                             .named("checkpoint"), .named("every", default: .number(1)),
                                             .named("protocol", default: .string("auto"))],
                    help: "The evaluation protocol of the dataset-distillation papers: trains `runs` fresh networks (default ConvNet-3) on the set (a synthetic set or a split) for `epochs` epochs with SGD (lr 0.01, momentum 0.9, weight decay 5e-4, lr x0.1 after half, batch 256), tests each on the data set's real test split, and reports mean ± std. `aug` is a DSA strategy, \"dsa\" (the papers' color_crop_cutout_flip_scale_rotate, without flip for digits), \"none\", or \"auto\" (\"dsa\" for sets made by DM/DSA/MTT/IDC/DREAM; none for DC sets and real subsets), as the papers evaluate.\n\nA DD set is judged by the DD paper's protocol (`protocol` \"auto\"/\"dd\": its learned steps and step sizes from the same fixed initialisation, one run, or from `runs` fresh ones); protocol=\"standard\" uses the training above.\n\nWith `checkpoint=PATH`, the finished runs are saved there every `every` runs; the same call again resumes with the next run (more `runs` may be asked for).\n\nA run whose training diverges (nan or infinite loss) ends the evaluation: the result says so and has no accuracy (mean and std nan). Images with nan or infinite values are refused.",
                    example: "r = evaluate(syn, data, runs=5, epochs=300)\nprint(r.mean, r.std)") { args, context in
                let (setDataset, images, labels) = try trainingSet(args, 0)
                let dataset = try datasetArgument(args, 1)
                guard setDataset.imageShape == dataset.imageShape, setDataset.classCount == dataset.classCount else {
                    throw args.error(1, "the set has \(setDataset.classCount) classes of \(setDataset.imageShape.map(String.init).joined(separator: "x")) images, the data set \(dataset.classCount) of \(dataset.imageShape.map(String.init).joined(separator: "x"))")
                }
                guard (setDataset.whitening == nil) == (dataset.whitening == nil) else {
                    throw args.error(1, setDataset.whitening != nil
                        ? "the set is ZCA-whitened but the data set is not (HINT: evaluate on zca(...) of the data, the set's own space)"
                        : "the data set is ZCA-whitened but the set is not (HINT: evaluate on the data set the set came from)")
                }
                do { _ = try dataset.nonEmptyTestSplit() } catch let e as DataError { throw args.error(1, e.inlineText) }
                if let dd = try evaluateDD(args, dataset: dataset, context: context) { return dd }
                let spec: ModelSpec
                switch args.value("model") {
                case .none: spec = .convNet3
                case .host(let m as ModelObject): spec = m.spec
                default: throw args.typeError(args.index("model"), expected: "model")
                }
                let runs = try args.integer("runs")
                guard runs >= 1 && runs <= 1000 else { throw args.error(args.index("runs"), "runs must be 1 to 1000, got \(runs)") }
                var config = try trainConfig(args)
                config.batchSize = clampedBatch(config.batchSize, "batch", most: labels.count, of: "images of the set", args, context)
                var learnedLR: Float?
                if case .host(let s as SyntheticObject) = args.value(0) { learnedLR = s.synthetic.learnedLR }
                if let lr = try args.optionalNumber("lr") {
                    guard lr > 0 else { throw args.error(args.index("lr"), "lr must be positive, got \(lr)") }
                    config.learningRate = Float(lr)
                } else {
                    config.learningRate = learnedLR ?? 0.01
                }
                var augment: BatchAugment?
                if try args.string("aug").lowercased() == "auto" {
                    augment = try autoAugmentation(args.value(0), dataset: dataset)
                } else {
                    augment = try augmentation(args, "aug", dataset: dataset)
                }
                let seed = try context.seed(args)
                let checkpoint = try checkpointArgument(args)
                let hook = try checkpoint?.evaluationHook(
                    config: RunIdentity(model: spec, train: config, aug: try args.string("aug"), seed: seed, data: dataset.name, images: labels.count),
                    runs: runs)
                do {
                    let result = try Evaluation.run(
                        images: images, labels: labels, testImages: dataset.test.images, testLabels: dataset.test.labels,
                        config: config, runs: runs, seed: seed,
                        makeModel: { try spec.build(imageShape: dataset.imageShape, classes: dataset.classCount, rng: &$0) },
                        augment: augment, progress: context.progress, hook: hook)
                    if let d = result.diverged {
                        context.output.write("warning: evaluate: training \(d); the result has no accuracy (HINT: lower lr)\n")
                    }
                    warnIfNotSaved(checkpoint, "evaluate", context)
                    return .host(ResultObject(result))
                } catch let e as TensorError { throw ScriptError(e.message) }
            },
        ] + unrolledBuiltins)
    }
}

/// The options every method shares, read once from the call.
struct DistillOptions {
    var iterations: Int?
    var lr: Float?
    var batchReal: Int?
    var initialization: SyntheticInit?
    var dsa: String?
    var model: ModelSpec?
    var selection: RealSelection = .random
    /// Whether `interval` or `pool` was given (they tune DREAM's selection).
    var selectionTuned = false
    var features: DreamFeatures?
    var control = RunControl()

    init(_ args: Arguments, dataset: Dataset) throws {
        if let v = try args.optionalInteger("iterations") {
            guard v >= 1 else { throw args.error(args.index("iterations"), "iterations must be at least 1, got \(v)") }
            iterations = v
        }
        if let v = try args.optionalNumber("lr") {
            guard v > 0, v.isFinite else { throw args.error(args.index("lr"), "lr must be positive, got \(v)") }
            lr = Float(v)
        }
        if let v = try args.optionalInteger("batch_real") {
            guard v >= 1 else { throw args.error(args.index("batch_real"), "batch_real must be at least 1, got \(v)") }
            batchReal = v
        }
        // DD's init is "fixed"/"random", read by its own options.
        if args.isGiven(args.index("init")), try args.string("method").lowercased() != "dd" {
            initialization = try choice(args, "init", SyntheticInit.self)
        }
        if let given = try args.optionalString("aug") {
            let v = dsaStrategy(given, for: dataset)
            do { _ = try DSA(strategy: v) } catch let e as TensorError { throw args.error(args.index("aug"), e.message) }
            dsa = v
        }
        let method = try args.string("method").lowercased()
        var interval = 10, pool = 0
        if let v = try args.optionalInteger("interval") {
            guard v >= 1 else { throw args.error(args.index("interval"), "interval must be at least 1, got \(v)") }
            interval = v
            selectionTuned = true
        }
        if method != "dd", let v = try args.optionalInteger("pool") {
            guard v >= 0 else { throw args.error(args.index("pool"), "pool must be 0 (every image) or more, got \(v)") }
            pool = v
            selectionTuned = true
        }
        switch try args.string("select").lowercased() {
        case "random":
            if selectionTuned && method != "dream" {
                throw args.error(args.index(args.isGiven(args.index("interval")) ? "interval" : "pool"), "interval= and pool= tune select=\"dream\"; this call selects random batches")
            }
            selection = method == "dream" ? .dream(interval: interval, pool: pool) : .random
        case "dream": selection = .dream(interval: interval, pool: pool)
        case let other: throw args.error(args.index("select"), "unknown selection \"\(other)\" (expected one of: random, dream)")
        }
        if args.isGiven(args.index("features")) { features = try choice(args, "features", DreamFeatures.self) }
        if let v = try args.optionalString("budget") {
            do { control.budget = try RunControl.seconds(v) } catch let e as TensorError { throw args.error(args.index("budget"), e.message) }
        }
        switch args.value("resume") {
        case .none: break
        case .host(let s as SyntheticObject): control.resume = s.synthetic
        default: throw args.typeError(args.index("resume"), expected: "synthetic set")
        }
        switch args.value("model") {
        case .none: break
        case .host(let m as ModelObject): model = m.spec
        default: throw args.typeError(args.index("model"), expected: "model")
        }
    }

    func apply(_ iterations: inout Int, _ lr: inout Float, _ batchReal: inout Int, _ model: inout ModelSpec) {
        if let v = self.iterations { iterations = v }
        if let v = self.lr { lr = v }
        if let v = self.batchReal { batchReal = v }
        if let v = self.model { model = v }
    }

    func apply(_ iterations: inout Int, _ lr: inout Float, _ batchReal: inout Int, _ initialization: inout SyntheticInit, _ model: inout ModelSpec) {
        if let v = self.iterations { iterations = v }
        if let v = self.lr { lr = v }
        if let v = self.batchReal { batchReal = v }
        if let v = self.initialization { initialization = v }
        if let v = self.model { model = v }
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

func isDigits(_ d: Dataset) -> Bool {
    let n = d.name.lowercased()
    return n.contains("mnist") && !n.contains("fashion")
}

/// A strategy argument with "dsa" read as the papers' default DSA strategy for `dataset`:
/// color_crop_cutout_flip_scale_rotate, without flip on digits (as `aug="auto"` and `experts`).
func dsaStrategy(_ text: String, for dataset: Dataset) -> String {
    text.lowercased() == "dsa" ? (isDigits(dataset) ? DSA.digitsStrategy : DSA.defaultStrategy) : text
}

/// The augmentation the papers evaluate a set with.
func autoAugmentation(_ set: Value, dataset: Dataset) throws -> BatchAugment? {
    guard case .host(let s as SyntheticObject) = set, ["dm", "dsa", "mtt", "idc", "dream"].contains(s.synthetic.method) else { return nil }
    let dsa = try DSA(strategy: isDigits(dataset) ? DSA.digitsStrategy : DSA.defaultStrategy)
    return { x, rng in try GradMode.withoutGrad { try dsa.apply(Variable(x), rng: &rng).value } }
}
