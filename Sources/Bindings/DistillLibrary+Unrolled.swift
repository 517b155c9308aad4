// The unrolled methods in the language: `experts(...)` (MTT's expert trajectories, trained or
// loaded from a file), `distill(method="mtt"/"dd", ...)` options, and DD's evaluation protocol.
// DistillLibrary.swift only dispatches here.
import Autograd
import Datasets
import Distillation
import Foundation
import NeuralNet
import Persistence
import Script
import TensorCore

/// Expert trajectories as a script value.
final class ExpertsObject: HostObject {
    let experts: Experts
    let file: String?
    init(_ experts: Experts, file: String?) {
        self.experts = experts
        self.file = file
    }

    var typeName: String { "experts" }

    var summary: String {
        let e = experts
        var text = "\(e.trajectories.count) expert trajectories of \(e.dataName): \(e.config.model.description), \(e.config.epochs) epochs, lr \(e.config.learningRate), aug \(e.config.dsa)"
        if let file { text += ", file \(file)" }
        if e.interrupted { text += " [interrupted]" }
        return text
    }

    var memberNames: [String] { ["count", "epochs", "lr", "aug", "file", "model"] }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "count": return .number(Double(experts.trajectories.count))
        case "epochs": return .number(Double(experts.config.epochs))
        case "lr": return numberValue(experts.config.learningRate)
        case "aug": return .string(experts.config.dsa)
        case "file": return file.map { .string($0) } ?? .none
        case "model": return .host(ModelObject(experts.config.model))
        default: return nil
        }
    }
}

extension DistillLibrary {
    /// Options of `distill` that only MTT and DD read (appended to its parameter list).
    static let unrolledParameters: [Parameter] = [
        .named("experts"), .named("syn_steps"), .named("expert_epochs"), .named("max_start_epoch"), .named("lr_lr"),
        .named("lr_teacher"), .named("batch_syn"), .named("memory"), .named("steps"), .named("epochs"),
        .named("pretrain"), .named("decay_every"), .named("weights"),
    ]

    /// Builtins this file adds to the `distill` namespace.
    static var unrolledBuiltins: [Builtin] {
        [
            Builtin("experts", parameters: [.required("data"), .named("count", default: .number(5)), .named("epochs", default: .number(10)),
                                            .named("lr", default: .number(0.01)), .named("batch", default: .number(256)),
                                            .named("aug", default: .string("dsa")), .named("model"), .named("seed"), .named("file")],
                    help: "MTT's expert trajectories: trains `count` networks (default ConvNet-3) on the data set's train split for `epochs` epochs each with SGD (lr 0.01, no momentum, no weight decay, batch 256) and DSA augmentation (`aug`: \"dsa\", \"none\" or a DSA strategy), keeping the parameters after every epoch. With `file=PATH`, an existing file is loaded instead of training (options given explicitly must agree with it), and new experts are saved there, so they are trained once and reused. Session files keep experts by reference to their file, or by value when they have none. Shows progress; Ctrl-C keeps the finished experts.",
                    example: "ex = experts(data, count=5, epochs=10, file=\"out/cifar10.ddexperts\")\nsyn = distill(data, method=\"mtt\", ipc=1, experts=ex, iterations=100)") { args, context in
                let dataset = try datasetArgument(args, 0)
                let file = try args.optionalString("file")
                var c = ExpertConfig(count: try args.integer("count", atLeast: 1), epochs: try args.integer("epochs", atLeast: 1))
                c.learningRate = try args.float("lr")
                guard c.learningRate > 0 else { throw args.error(args.index("lr"), "lr must be positive, got \(c.learningRate)") }
                c.batchSize = clampedBatch(try args.integer("batch", atLeast: 1), "batch", most: dataset.train.count,
                                           of: "images of the train split", args, context)
                let aug = try args.string("aug")
                c.dsa = dsaStrategy(aug, for: dataset).lowercased()
                do { _ = try DSA(strategy: c.dsa) } catch let e as TensorError { throw args.error(args.index("aug"), e.message) }
                switch args.value("model") {
                case .none: break
                case .host(let m as ModelObject): c.model = m.spec
                default: throw args.typeError(args.index("model"), expected: "model")
                }
                c.seed = try context.seed(args)
                do {
                    if let file, FileManager.default.fileExists(atPath: file) {
                        let loaded = try Experts.load(from: file)
                        try checkLoaded(loaded, against: c, args: args, dataset: dataset, file: file)
                        return .host(ExpertsObject(loaded, file: file))
                    }
                    try checkTrajectoryMemory(c, dataset: dataset, args: args)
                    // The file must be writable before minutes of training, not after.
                    if let file {
                        makeParentFolder(of: file)
                        try AtomicWriter().checkWritable(file, what: "experts file")
                    }
                    let trained = try Experts.train(dataset, config: c, progress: context.progress)
                    if let file, !trained.trajectories.isEmpty, !trained.interrupted {
                        do {
                            try trained.save(to: file)
                        } catch let e as PersistenceError {
                            // The trained experts are kept in the session; only the file is missing.
                            context.output.write("warning: experts: \(e.message); the experts are returned, kept in this session only\n")
                            return .host(ExpertsObject(trained, file: nil))
                        }
                    }
                    return .host(ExpertsObject(trained, file: trained.interrupted ? nil : file))
                } catch let e as TensorError { throw ScriptError(e.message) } catch let e as PersistenceError { throw ScriptError(e.message) }
            },
        ]
    }

    /// The trajectories kept in memory (count x (epochs + 1) copies of the parameters) must fit
    /// the memory limit: checked before the first expert is trained, not when memory runs out.
    static func checkTrajectoryMemory(_ c: ExpertConfig, dataset: Dataset, args: Arguments) throws {
        var probe = SeededRNG(seed: 0)
        let params = try c.model.build(imageShape: dataset.imageShape, classes: dataset.classCount, rng: &probe).parameterCount
        let (snapshots, o1) = c.count.multipliedReportingOverflow(by: c.epochs + 1)
        let (bytes, o2) = snapshots.multipliedReportingOverflow(by: params * MemoryLayout<Float>.stride)
        do {
            try MemoryLimit.check(bytes: o1 || o2 ? Int.max : bytes,
                                  what: "experts: \(c.count) trajectories of \(c.epochs + 1) snapshots of \(params) parameters")
        } catch let e as TensorError {
            throw args.error(args.index(c.count > c.epochs ? "count" : "epochs"), e.message)
        }
    }

    /// A loaded experts file must fit the data set, and agree with every option the call gave.
    static func checkLoaded(_ e: Experts, against c: ExpertConfig, args: Arguments, dataset: Dataset, file: String) throws {
        guard e.imageShape == dataset.imageShape, e.classes == dataset.classCount else {
            throw ScriptError("experts file '\(file)' was trained on \(e.classes) classes of \(e.imageShape.shapeText) images, not \(dataset.name)'s \(dataset.classCount) of \(dataset.imageShape.shapeText)")
        }
        var differences: [String] = []
        if args.isGiven("count") && e.trajectories.count != c.count { differences.append("count \(e.trajectories.count), not \(c.count)") }
        if args.isGiven("epochs") && e.config.epochs != c.epochs { differences.append("epochs \(e.config.epochs), not \(c.epochs)") }
        if args.isGiven("lr") && e.config.learningRate != c.learningRate { differences.append("lr \(e.config.learningRate), not \(c.learningRate)") }
        if args.isGiven("model") && e.config.model != c.model { differences.append("model \(e.config.model.description)") }
        if args.isGiven("aug") && e.config.dsa != c.dsa { differences.append("aug \(e.config.dsa)") }
        guard differences.isEmpty else {
            throw ScriptError("experts file '\(file)' holds other experts: \(differences.joined(separator: "; ")) (HINT: give another file to train new ones)")
        }
    }

    /// `distill(data, method="mtt", experts=..., ...)`: the published preset for the data set
    /// and ipc, overridden by the options given.
    static func distillMTT(_ args: Arguments, dataset: Dataset, ipc: Int, seed: UInt64, options: DistillOptions,
                           resumed: ResumeState?, checkpoint: Checkpoint?, context: CallContext) throws -> SyntheticSet {
        let experts: Experts
        switch args.value("experts") {
        case .host(let e as ExpertsObject): experts = e.experts
        case .none: throw args.error(args.index("experts"), "method \"mtt\" needs experts=... (HINT: ex = experts(data, count=5, epochs=10))")
        default: throw args.typeError(args.index("experts"), expected: "experts")
        }
        var c = MTTConfig.reference(for: dataset.name, ipc: ipc).config
        c.model = experts.config.model
        c.dsa = isDigits(dataset) ? DSA.digitsStrategy : DSA.defaultStrategy
        c.lrTeacher = experts.config.learningRate
        c = try resumed.settings(for: "mtt", else: c)
        c.seed = seed
        var unusedBatch = 0
        options.apply(&c.iterations, &c.lrImages, &unusedBatch, &c.initialization, &c.model)
        if options.batchReal != nil { throw args.error(args.index("batch_real"), "method \"mtt\" has no real batch (HINT: batch_syn)") }
        if let d = options.dsa { c.dsa = d }
        if let v = try args.optionalInteger("syn_steps") { c.synSteps = v }
        if let v = try args.optionalInteger("expert_epochs") { c.expertEpochs = v }
        if let v = try args.optionalInteger("max_start_epoch") { c.maxStartEpoch = v }
        if let v = try args.optionalNumber("lr_lr") { c.lrLR = Float(v) }
        if let v = try args.optionalNumber("lr_teacher") { c.lrTeacher = Float(v) }
        if let v = try args.optionalInteger("batch_syn") {
            c.batchSyn = clampedBatch(v, "batch_syn", most: ipc * dataset.classCount, of: "synthetic images", args, context)
        }
        if args.isGiven("memory") { c.memory = try choice(args, "memory", Unrolled.Memory.self) }
        return try MTT.run(dataset, experts: experts, config: c, checkpoint: checkpoint, control: options.control, progress: context.progress)
    }

    /// `distill(data, method="dd", ...)`: the reference's defaults (LeNet for one-channel
    /// images, AlexCifarNet otherwise; 10 steps x 3 epochs; random initialisation).
    static func distillDD(_ args: Arguments, dataset: Dataset, ipc: Int, seed: UInt64, options: DistillOptions,
                          resumed: ResumeState?, checkpoint: Checkpoint?, context: CallContext) throws -> SyntheticSet {
        var c = DDConfig(ipc: ipc)
        // The reference draws Xavier-normal weights with zero biases; a model= given keeps its own.
        c.model = ModelSpec(kind: dataset.imageShape.first == 1 ? .lenet : .alexcifarnet, weights: .xavier)
        if dataset.imageShape.first != 1 {
            c.initialStepSize = 0.001
            // AlexCifarNet's real batch dominates memory; chunked under checkpointing it needs
            // a third (docs/methods.md) at about the same time per iteration.
            c.memory = .checkpointed
        }
        c.steps = Swift.min(10, ipc)
        let resuming = resumed?.method == "dd"
        c = try resumed.settings(for: "dd", else: c)
        c.seed = seed
        options.apply(&c.iterations, &c.learningRate, &c.batchReal, &c.model)
        if options.dsa != nil { throw args.error(args.index("aug"), "method \"dd\" uses no augmentation") }
        if let v = try args.optionalInteger("steps") { c.steps = v }
        if let v = try args.optionalInteger("epochs") { c.epochs = v }
        if args.isGiven("init") { c.initialization = try choice(args, "init", DDInit.self) }
        if let v = try args.optionalInteger("pretrain") { c.pretrainEpochs = v }
        if let v = try args.optionalInteger("pool") { c.pool = v }
        if args.isGiven("weights") { c.model.weights = try choice(args, "weights", WeightInit.self) }
        // The reference halves the rate every 40 epochs of real data.
        if !resuming { c.decayEvery = 40 * ((dataset.train.count + c.batchReal - 1) / Swift.max(c.batchReal, 1)) }
        if let v = try args.optionalInteger("decay_every") { c.decayEvery = v }
        if let v = try args.optionalNumber("lr_teacher") { c.initialStepSize = Float(v) }
        if args.isGiven("memory") { c.memory = try choice(args, "memory", Unrolled.Memory.self) }
        return try DD.run(dataset, config: c, checkpoint: checkpoint, control: options.control, progress: context.progress)
    }

    /// `evaluate(set, data)` on a DD set: the paper's protocol unless `protocol="standard"`;
    /// nil when the standard protocol applies.
    static func evaluateDD(_ args: Arguments, dataset: Dataset, context: CallContext) throws -> Value? {
        let proto = try args.string("protocol").lowercased()
        guard ["auto", "dd", "standard"].contains(proto) else {
            throw args.error(args.index("protocol"), "unknown protocol \"\(proto)\" (expected one of: auto, dd, standard)")
        }
        guard case .host(let s as SyntheticObject) = args.value(0), s.synthetic.method == "dd" else {
            if proto == "dd" { throw args.error(0, "protocol \"dd\" needs a set made by distill(method=\"dd\")") }
            return nil
        }
        guard proto != "standard" else { return nil }
        let runs = try args.integer("runs")
        guard runs >= 1 && runs <= 1000 else { throw args.error(args.index("runs"), "runs must be 1 to 1000, got \(runs)") }
        do {
            let r = try DD.evaluate(s.synthetic, data: dataset, runs: runs, seed: try context.seed(args), progress: context.progress)
            if let d = r.diverged {
                context.output.write("warning: evaluate: training \(d); the result has no accuracy\n")
            }
            return .host(ResultObject(r))
        } catch let e as TensorError { throw ScriptError(e.message) }
    }
}
