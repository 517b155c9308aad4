// The unrolled methods in the language: `experts(...)` (MTT's expert trajectories, trained or
// loaded from a file), the names of `distill`'s MTT and DD options (DD's evaluation protocol is in
// DistillLibrary+Evaluate.swift). The methods themselves are plug-ins (MTTMethod, DDMethod).
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
    /// Builtins this file adds to the `distill` namespace.
    static var unrolledBuiltins: [Builtin] {
        [
            Builtin("experts", parameters: [.required("data"), .named("count", default: .number(5)), .named("epochs", default: .number(10)),
                                            .named("lr", default: .number(0.01)), .named("batch", default: .number(256)),
                                            .named("aug", default: .string("dsa")), .named("model"), .named("seed"), .named("file")],
                    help: "MTT's expert trajectories: trains `count` networks (default ConvNet-3) on the data set's train split for `epochs` epochs each with SGD (lr 0.01, no momentum, no weight decay, batch 256) and DSA augmentation (`aug`: \"dsa\", \"none\" or a DSA strategy), keeping the parameters after every epoch. With `file=PATH`, an existing file is loaded instead of training (options given explicitly must agree with it), and new experts are saved there, so they are trained once and reused. Session files keep experts by reference to their file, or by value when they have none. Shows progress; Ctrl-C keeps the finished experts. Under mpirun the experts are split across the ranks, with the same trajectories as one process, and rank 0 writes the file (docs/scale-out.md).",
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
                let trained = try Experts.train(dataset, config: c, progress: context.progress, team: context.team)
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
}
