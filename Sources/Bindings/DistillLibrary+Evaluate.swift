// How `evaluate` picks its training: a named protocol's recipe (EvaluationProtocol, in
// Distillation) with the call's overrides — by default ("auto") the protocol the set records —,
// DD's own protocol, or the single recipe evaluate used before protocols existed ("standard").
import Autograd
import Datasets
import Distillation
import NeuralNet
import Script
import TensorCore

/// What `protocol=` asked for.
enum EvaluationChoice: Equatable {
    /// `protocol="standard"`: the standard recipe even for DD sets.
    case standard
    /// A named protocol ("auto" resolved to the set's).
    case named(EvaluationProtocol)
}

/// The training an evaluation runs.
struct EvaluationSetup {
    var config: TrainConfig
    var augment: BatchAugment?
    var mix: BatchMix?
    /// The protocol's recipe, nil for the standard recipe.
    var recipe: EvaluationRecipe?
    /// The augmentation as checkpoints identify it.
    var identity: String
}

extension DistillLibrary {
    /// The protocol names `protocol=` takes.
    static var protocolNames: [String] { ["auto"] + EvaluationProtocol.names + ["standard"] }

    static func evaluationChoice(_ args: Arguments) throws -> EvaluationChoice {
        let name = try args.string("protocol").lowercased()
        if name == "standard" { return .standard }
        if name == "auto" {
            // Random and coreset subsets, and whole splits, are judged as DC judges them.
            if case .host(let s as SyntheticObject) = args.value(0) { return .named(s.synthetic.evaluationProtocol) }
            return .named(.dc)
        }
        guard let proto = EvaluationProtocol(name: name) else {
            throw args.error(args.index("protocol"), "unknown protocol \"\(name)\" (expected one of: \(protocolNames.joined(separator: ", ")))")
        }
        return .named(proto)
    }

    /// `evaluate(set, data)` by DD's protocol (a DD set under "auto", or "dd" named); nil when
    /// the set is trained on instead.
    static func evaluateDD(_ args: Arguments, choice: EvaluationChoice, dataset: Dataset, context: CallContext) throws -> Value? {
        let isDD: Bool
        if case .host(let s as SyntheticObject) = args.value(0), s.synthetic.method == DDMethod.name { isDD = true } else { isDD = false }
        switch choice {
        case .named(.dd):
            guard isDD else { throw args.error(0, "protocol \"dd\" needs a set made by distill(method=\"dd\")") }
        default:
            return nil
        }
        guard case .host(let s as SyntheticObject) = args.value(0) else { return nil }
        let sweep = try learningRateCandidates(args) != nil
        if args.isGiven("validation") || sweep {
            throw args.error(args.isGiven("validation") ? args.index("validation") : args.index("lr"),
                             "DD's protocol replays the set's learned steps and chooses nothing (HINT: protocol=\"standard\" to train on the set)")
        }
        let runs = try args.integer("runs")
        guard runs >= 1 && runs <= 1000 else { throw args.error(args.index("runs"), "runs must be 1 to 1000, got \(runs)") }
        var r = try DD.evaluate(s.synthetic, data: dataset, runs: runs, seed: try context.seed(args), progress: context.progress)
        r.protocolName = EvaluationProtocol.dd.rawValue
        if let d = r.diverged {
            context.output.write("warning: evaluate: training \(d); the result has no accuracy\n")
        }
        return .host(ResultObject(r))
    }

    /// A protocol's recipe for the set, with what the call gives explicitly (`epochs`, `aug`,
    /// `batch`, `lr`, `momentum`, `weight_decay`) in place of the protocol's. Under "dc", ConvNet
    /// with batch norm trains with DC's crop_noise, as `get_daparam` (utils.py:442-443) gives ConvNetBN.
    static func protocolSetup(_ proto: EvaluationProtocol, _ args: Arguments, dataset: Dataset, labels: [Int],
                              model: ModelSpec = .convNet3) throws -> EvaluationSetup {
        var subject = EvaluationSubject(ipc: labels.count / Swift.max(dataset.classCount, 1))
        if case .host(let s as SyntheticObject) = args.value(0) { subject = s.synthetic.evaluationSubject }
        var epochs: Int?
        if args.isGiven("epochs") {
            let e = try args.integer("epochs")
            guard e >= 1 else { throw args.error(args.index("epochs"), "epochs must be at least 1, got \(e)") }
            epochs = e
        }
        var augmentation: EvaluationAugmentation?
        if args.isGiven("aug"), try args.string("aug").lowercased() != "auto" {
            let strategy = dsaStrategy(try args.string("aug"), for: dataset)
            do { _ = try DSA(strategy: strategy) } catch let e as TensorError { throw args.error(args.index("aug"), e.message) }
            augmentation = strategy == "none" ? EvaluationAugmentation.none : .dsa(strategy: strategy)
        } else if proto == .dc, model.kind == .convnet, model.norm == .batch {
            augmentation = .dc(strategy: "crop_noise")
        }
        guard let recipe = proto.recipe(for: dataset, subject: subject, epochs: epochs, augmentation: augmentation) else {
            preconditionFailure("evaluate: protocol \(proto) has no training recipe")  // DD is handled before
        }
        var config = recipe.train
        if args.isGiven("batch") {
            config.batchSize = try args.integer("batch")
            guard config.batchSize >= 1 else { throw args.error(args.index("batch"), "batch must be at least 1, got \(config.batchSize)") }
        }
        if let lr = try singleLearningRate(args) {
            guard lr > 0, lr.isFinite else { throw args.error(args.index("lr"), "lr must be positive, got \(lr)") }
            config.learningRate = Float(lr)
        }
        if args.isGiven("momentum") { config.momentum = Float(try args.number("momentum")) }
        if args.isGiven("weight_decay") { config.weightDecay = Float(try args.number("weight_decay")) }
        let augment: BatchAugment?
        do { augment = try recipe.augmentation.batchAugment() } catch let e as TensorError { throw args.error(args.index("aug"), e.message) }
        return EvaluationSetup(config: config, augment: augment, mix: recipe.mix, recipe: recipe,
                               identity: "protocol \(proto.rawValue), aug \(recipe.augmentation.description), cutmix \(recipe.cutmixProbability)")
    }

    /// The standard recipe (DC's training for `epochs`, default 300, and DSA for sets whose
    /// method evaluates with augmentation), as evaluate did before protocols.
    static func standardSetup(_ args: Arguments, dataset: Dataset) throws -> EvaluationSetup {
        var config = try trainConfig(args, allowSweep: true)
        var learnedLR: Float?
        if case .host(let s as SyntheticObject) = args.value(0) { learnedLR = s.synthetic.learnedLR }
        if let lr = try singleLearningRate(args) {
            guard lr > 0 else { throw args.error(args.index("lr"), "lr must be positive, got \(lr)") }
            config.learningRate = Float(lr)
        } else {
            config.learningRate = learnedLR ?? 0.01
        }
        let augment: BatchAugment?
        if try args.string("aug").lowercased() == "auto" {
            augment = try standardAugmentation(args.value(0), dataset: dataset)
        } else {
            augment = try augmentation(args, "aug", dataset: dataset)
        }
        return EvaluationSetup(config: config, augment: augment, mix: nil, recipe: nil, identity: try args.string("aug"))
    }

    /// `aug="auto"` under the standard recipe: DSA for sets whose protocol augments with it
    /// (DM, DSA, MTT, IDC, DREAM), none for DC and DD sets and real subsets.
    static func standardAugmentation(_ set: Value, dataset: Dataset) throws -> BatchAugment? {
        guard case .host(let s as SyntheticObject) = set,
              [.dsa, .dm, .mtt, .idc].contains(s.synthetic.evaluationProtocol) else { return nil }
        return try EvaluationAugmentation.dsa(strategy: DSA.paperStrategy(for: dataset)).batchAugment()
    }
}
