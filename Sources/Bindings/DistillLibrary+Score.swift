// `score(set, data)`: DD-Ranking's fair measures of a set (FairScores, in Distillation): the set
// and a random real subset of its size trained by the set's protocol with and without
// augmentation, run by run, against a network trained on the whole train split, whose accuracy
// is cached in a file keyed by everything it depends on. docs/evaluation.md has the definitions.
import Cluster
import Datasets
import Distillation
import Foundation
import NeuralNet
import Persistence
import Script
import TensorCore

extension DistillLibrary {
    static let scoreHelp = """
        DD-Ranking's measures of a set, computed on fractions (docs/evaluation.md): each of `runs` runs trains fresh networks on the set and on a random real subset of the same size (drawn anew per run) under the set's protocol (`protocol`, default "auto"; `epochs`, `batch`, `lr`, `momentum`, `weight_decay` override it as in evaluate), once with the protocol's augmentation (DSA where the protocol has none, or `aug`) and once without, and tests them on the real test split. With the accuracy of a network trained on the whole train split (`full_epochs` epochs, default 5, of SGD lr 0.01 with lr x0.1 after half, batch 256, no augmentation; or `full=` a known accuracy in [0, 1]), it reports:
        HLR (hard-label recovery) = full - set; IOR (improvement over random) = set - random; LRS = (e^a - e^-1)/(e - e^-1) with a = (IOR - HLR)/2; ARS, the same map of b = (IOR with augmentation + IOR without)/2. Each as mean ± std over the runs; members hlr, ior, lrs, ars (means), hlr_std ..., set, random, set_plain, random_plain (accuracies per run), full, protocol, runs.
        The full-data accuracy is computed once per data set (by content), model, recipe and seed and kept in `cache` (default ~/.cache/distill/full-accuracy.json).
        Under mpirun the runs' trainings are split across the ranks, with the same scores as one process (docs/scale-out.md).
        """

    static var scoreBuiltins: [Builtin] {
        [
            Builtin("score", parameters: [.required("set"), .required("data"), .named("model"), .named("runs", default: .number(5)),
                                          .named("protocol", default: .string("auto")), .named("epochs"), .named("batch"), .named("lr"),
                                          .named("momentum"), .named("weight_decay"), .named("aug", default: .string("auto")),
                                          .named("full"), .named("full_epochs", default: .number(5)), .named("cache"), .named("seed")],
                    help: scoreHelp,
                    example: "s = score(syn, data, runs=5)\nprint(s.lrs, s.ars)\ns = score(syn, data, full=0.935)   # a known full-data accuracy") { args, context in
                try score(args, context: context)
            },
        ]
    }

    static func score(_ args: Arguments, context: CallContext) throws -> Value {
        let (setDataset, images, labels) = try trainingSet(args, 0)
        let dataset = try datasetArgument(args, 1)
        try checkComparable(args, set: setDataset, data: dataset)
        let spec = try modelArgument(args)
        let runs = try args.integer("runs")
        guard runs >= 1 && runs <= 1000 else { throw args.error(args.index("runs"), "runs must be 1 to 1000, got \(runs)") }
        let proto = try scoreProtocol(args)
        var setup = try protocolSetup(proto, args, dataset: dataset, labels: labels, model: spec)
        let asked = args.isGiven("aug") ? try args.string("aug").lowercased() : "auto"
        if setup.augment == nil || asked != "auto" {
            let strategy = asked != "auto" ? dsaStrategy(asked, for: dataset) : DSA.paperStrategy(for: dataset)
            guard strategy != "none" else { throw args.error(args.index("aug"), "score compares training with and without augmentation; aug cannot be \"none\"") }
            do { setup.augment = try EvaluationAugmentation.dsa(strategy: strategy).batchAugment() } catch let e as TensorError {
                throw args.error(args.index("aug"), e.message)
            }
        }
        setup.config.batchSize = clampedBatch(setup.config.batchSize, "batch", most: labels.count, of: "images of the set", args, context)
        let perClass = try scorePerClass(args, labels: labels, classes: dataset.classCount, train: dataset.train)
        let full = try fullAccuracy(args, dataset: dataset, spec: spec, context: context)
        let seed = try context.seed(args)
        var master = SeededRNG(seed: seed)
        var measured: [ScoreRun] = []
        let build: (inout SeededRNG) throws -> Model = { try spec.build(imageShape: dataset.imageShape, classes: dataset.classCount, rng: &$0) }
        let kinds = scoreKinds
        let outcomes = try scoreTrainings(runs: runs, master: &master, perClass: perClass, images: images, labels: labels,
                                          dataset: dataset, setup: setup, build: build, context: context)
        for r in 0..<runs {
            var parts: [Float] = []
            for (k, kind) in kinds.enumerated() {
                guard r * kinds.count + k < outcomes.count else {
                    return .host(ScoreObject(FairScores(runs: measured), proto: proto, interrupted: true))
                }
                let outcome = outcomes[r * kinds.count + k]
                if let d = outcome.diverged {
                    throw args.error(0, "training on the \(kind.which) \(kind.augmented ? "with" : "without") augmentation in run \(r + 1) \(d); no score (HINT: lower lr)")
                }
                guard !outcome.interrupted, let accuracy = outcome.accuracy else {
                    return .host(ScoreObject(FairScores(runs: measured), proto: proto, interrupted: true))
                }
                parts.append(accuracy)
            }
            measured.append(ScoreRun(set: parts[0], random: parts[1], setPlain: parts[2], randomPlain: parts[3], full: full))
        }
        return .host(ScoreObject(FairScores(runs: measured), proto: proto, interrupted: false))
    }

    /// A score run's four trainings: the set and a random real subset, each with and without augmentation.
    static let scoreKinds: [(which: String, augmented: Bool)] = [("set", true), ("random", true), ("set", false), ("random", false)]

    /// Every run's seed and random subset first (one sequence, as with one rank), then the
    /// runs' four trainings each, split across the ranks (`distribute`); stops at the first
    /// training that diverged or was interrupted.
    static func scoreTrainings(runs: Int, master: inout SeededRNG, perClass: Int, images: Tensor, labels: [Int], dataset: Dataset,
                               setup: EvaluationSetup, build: @escaping (inout SeededRNG) throws -> Model,
                               context: CallContext) throws -> [ScoreTraining] {
        var plans: [(seed: UInt64, random: DatasetSplit)] = []
        for _ in 0..<runs {
            let runSeed = master.next()
            var draw = SeededRNG(seed: master.next())
            plans.append((runSeed, try dataset.train.subset(perClass: perClass, rng: &draw)))
        }
        let kinds = scoreKinds
        return try context.team.distribute(runs * kinds.count, stop: { $0.diverged != nil || $0.interrupted }) { job -> ScoreTraining in
            let (r, kind) = (job / kinds.count, kinds[job % kinds.count])
            let (x, y) = kind.which == "set" ? (images, labels) : (plans[r].random.images, plans[r].random.labels)
            let result = try Evaluation.run(
                images: x, labels: y, testImages: dataset.test.images, testLabels: dataset.test.labels, config: setup.config,
                runs: 1, seed: plans[r].seed, makeModel: build, augment: kind.augmented ? setup.augment : nil,
                mix: kind.augmented ? setup.mix : nil, progress: context.progress)
            return ScoreTraining(accuracy: result.accuracies.first, diverged: result.diverged, interrupted: result.interrupted)
        }
    }

    /// The protocol a score trains by: the set's for "auto"; DD's learned steps have no recipe.
    static func scoreProtocol(_ args: Arguments) throws -> EvaluationProtocol {
        let name = try args.string("protocol").lowercased()
        let proto: EvaluationProtocol
        if name == "auto" {
            if case .host(let s as SyntheticObject) = args.value(0) { proto = s.synthetic.evaluationProtocol } else { proto = .dc }
        } else if let p = EvaluationProtocol(name: name) {
            proto = p
        } else {
            throw args.error(args.index("protocol"), "unknown protocol \"\(name)\" (expected one of: auto, \(EvaluationProtocol.names.joined(separator: ", ")))")
        }
        guard proto != .dd else {
            throw args.error(args.index("protocol"), "score trains fresh networks by a recipe; DD's protocol replays learned steps (HINT: protocol=\"dc\")")
        }
        return proto
    }

    /// Real images per class for the random baseline: the set's stored images per class.
    static func scorePerClass(_ args: Arguments, labels: [Int], classes: Int, train: DatasetSplit) throws -> Int {
        var k = max(1, labels.count / max(classes, 1))
        if case .host(let s as SyntheticObject) = args.value(0) { k = s.synthetic.ipc }
        let smallest = (0..<classes).map { c in train.labels.lazy.filter { $0 == c }.count }.min() ?? 0
        guard k <= smallest else {
            throw args.error(0, "the set has \(k) images per class, more than the \(smallest) real images of the smallest class; no random subset of its size")
        }
        return k
    }
}

/// The model an evaluation trains (`model=`, default ConvNet-3).
func modelArgument(_ args: Arguments) throws -> ModelSpec {
    switch args.value("model") {
    case .none: return .convNet3
    case .host(let m as ModelObject): return m.spec
    default: throw args.typeError(args.index("model"), expected: "model")
    }
}

/// A set (argument 0) and a data set (argument 1) that can be judged together: same classes
/// and image shape, the same space (whitened or not), and a test split to measure on.
func checkComparable(_ args: Arguments, set: Dataset, data: Dataset) throws {
    guard set.imageShape == data.imageShape, set.classCount == data.classCount else {
        throw args.error(1, "the set has \(set.classCount) classes of \(set.imageShape.map(String.init).joined(separator: "x")) images, the data set \(data.classCount) of \(data.imageShape.map(String.init).joined(separator: "x"))")
    }
    guard (set.whitening == nil) == (data.whitening == nil) else {
        throw args.error(1, set.whitening != nil
            ? "the set is ZCA-whitened but the data set is not (HINT: evaluate on zca(...) of the data, the set's own space)"
            : "the data set is ZCA-whitened but the set is not (HINT: evaluate on the data set the set came from)")
    }
    do { _ = try data.nonEmptyTestSplit() } catch let e as DataError { throw args.error(1, e.inlineText) }
}

/// What `score` returns: the measures with their parts.
final class ScoreObject: HostObject {
    let scores: FairScores
    let proto: EvaluationProtocol
    let interrupted: Bool
    init(_ scores: FairScores, proto: EvaluationProtocol, interrupted: Bool) {
        self.scores = scores
        self.proto = proto
        self.interrupted = interrupted
    }

    var typeName: String { "score" }

    var summary: String {
        guard !scores.runs.isEmpty else { return "score: no run finished [interrupted]" }
        func pct(_ s: FairScores.Spread) -> String { String(format: "%.1f ± %.1f", s.mean * 100, s.std * 100) }
        func unit(_ s: FairScores.Spread) -> String { String(format: "%.3f ± %.3f", s.mean, s.std) }
        let n = scores.runs.count
        return """
            score (\(n) run\(n == 1 ? "" : "s"), protocol \(proto.rawValue))\(interrupted ? " [interrupted]" : ""):
              accuracy %      set \(pct(scores.accuracy(\.set)))  random \(pct(scores.accuracy(\.random)))  \
            without augmentation: set \(pct(scores.accuracy(\.setPlain)))  random \(pct(scores.accuracy(\.randomPlain)))  \
            full data \(String(format: "%.1f", Double(scores.runs[0].full) * 100))
              HLR \(pct(scores.hlr)) points  IOR \(pct(scores.ior)) points  LRS \(unit(scores.lrs))  ARS \(unit(scores.ars))
            """
    }

    var memberNames: [String] {
        ["hlr", "ior", "lrs", "ars", "hlr_std", "ior_std", "lrs_std", "ars_std", "set", "random", "set_plain", "random_plain", "full",
         "protocol", "runs", "interrupted"]
    }

    func member(_ name: String) throws -> Value? {
        let measures: [String: FairScores.Spread] = ["hlr": scores.hlr, "ior": scores.ior, "lrs": scores.lrs, "ars": scores.ars]
        if let s = measures[name] { return numberValue(Float(s.mean)) }
        if name.hasSuffix("_std"), let s = measures[String(name.dropLast(4))] { return numberValue(Float(s.std)) }
        let parts: [String: KeyPath<ScoreRun, Float>] = ["set": \.set, "random": \.random, "set_plain": \.setPlain, "random_plain": \.randomPlain]
        if let p = parts[name] { return .list(scores.runs.map { numberValue($0[keyPath: p]) }) }
        switch name {
        case "full": return scores.runs.first.map { numberValue($0.full) } ?? Value.none
        case "protocol": return .string(proto.rawValue)
        case "runs": return .number(Double(scores.runs.count))
        case "interrupted": return .bool(interrupted)
        default: return nil
        }
    }
}

/// One of a score run's four trainings, as exchanged between ranks.
struct ScoreTraining: Codable {
    var accuracy: Float?
    var diverged: String?
    var interrupted: Bool
}
