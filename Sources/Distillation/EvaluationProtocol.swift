// The named evaluation protocols: how each paper trains fresh networks on a distilled set before
// testing them, as recipes (epochs, schedule, batch, augmentation, CutMix) read from the
// reference code; docs/evaluation.md cites the lines. The training itself is NeuralNet's
// `Evaluation.run`; DD's protocol (its learned steps) is `DD.evaluate` and has no recipe here.
import Autograd
import Datasets
import NeuralNet
import TensorCore

/// A named evaluation protocol: the recipe of the paper a set is judged by.
///
///     let recipe = EvaluationProtocol.dsa.recipe(for: data, subject: EvaluationSubject(ipc: 10))
///     // recipe.epochs == 1000, recipe.train.epochs == 1001, DSA augmentation
public enum EvaluationProtocol: String, CaseIterable, Codable, Sendable {
    /// DC (DatasetCondensation main.py:105-123, utils.py:337-445): no augmentation except DC's
    /// `crop_scale_rotate` on MNIST; 1000 epochs when augmenting, 300 otherwise.
    case dc
    /// DSA (same code with `--dsa True`): DSA augmentation, 1000 epochs.
    case dsa
    /// DM (main_DM.py): as DSA.
    case dm
    /// IDC and DREAM (Efficient-Dataset-Condensation train.py:102-212, argument.py:266-457):
    /// batch 64, IDC's augmentation without cutout, CutMix p 0.5, lr ×0.2 at 2/3 and 5/6.
    case idc
    /// MTT (mtt-distillation distill.py:200-215): DSA with the set's learned step size.
    case mtt
    /// DD (dataset-distillation): the set's learned steps from its start networks.
    case dd

    /// The protocol called `name` (case-insensitive), or nil.
    public init?(name: String) { self.init(rawValue: name.lowercased()) }

    public static var names: [String] { allCases.map(\.rawValue) }
}

/// What a recipe depends on besides the data set: the set's size and what its method left.
public struct EvaluationSubject: Equatable, Sendable {
    public var ipc: Int
    /// IDC/DREAM's formation factor (1 for other sets).
    public var formationFactor: Int
    /// MTT's learned step size.
    public var learnedStepSize: Float?

    public init(ipc: Int, formationFactor: Int = 1, learnedStepSize: Float? = nil) {
        self.ipc = ipc
        self.formationFactor = formationFactor
        self.learnedStepSize = learnedStepSize
    }
}

/// The augmentation a recipe trains with.
public enum EvaluationAugmentation: Equatable, Sendable {
    case none
    /// DC's `augment` (utils.py:365-426): one op per image drawn from the strategy.
    case dc(strategy: String)
    /// DSA's `DiffAugment`: one op per batch from the strategy, parameters per image.
    case dsa(strategy: String)
    /// IDC's `DiffAug` (misc/augment.py:53-83): flip and colour, then one drawn op, per image.
    case idc(strategy: String)

    /// "none", "dsa color_crop_cutout_flip_scale_rotate", ...
    public var description: String {
        switch self {
        case .none: return "none"
        case .dc(let s): return "dc \(s)"
        case .dsa(let s): return "dsa \(s)"
        case .idc(let s): return "idc \(s)"
        }
    }

    public var isActive: Bool { self != .none }

    /// The training-time transform (no gradients recorded), or nil for none.
    public func batchAugment() throws -> BatchAugment? {
        switch self {
        case .none:
            return nil
        case .dc(let strategy):
            let aug = try DCAugment(strategy: strategy)
            return { x, rng in try aug.apply(x, rng: &rng) }
        case .dsa(let strategy):
            let dsa = try DSA(strategy: strategy)
            if dsa.ops.isEmpty { return nil }
            return { x, rng in try GradMode.withoutGrad { try dsa.apply(Variable(x), rng: &rng).value } }
        case .idc(let strategy):
            let aug = try IDCAugment(strategy: strategy)
            return { x, rng in try GradMode.withoutGrad { try aug.apply(Variable(x), shared: false, rng: &rng).value } }
        }
    }
}

/// How a protocol trains the networks it tests.
public struct EvaluationRecipe: Equatable, Sendable {
    public var evaluationProtocol: EvaluationProtocol
    /// The epoch count as the reference's arguments state it (`epoch_eval_train`, `--epochs`),
    /// which results print; `train.epochs` is what is trained (DC's code trains one more).
    public var epochs: Int
    public var train: TrainConfig
    public var augmentation: EvaluationAugmentation
    /// CutMix probability per batch (IDC's `mix_p`), 0 for none.
    public var cutmixProbability: Float

    /// CutMix as a batch mix (IDC's `rand_bbox`, the same as IDC's network training), or nil.
    public var mix: BatchMix? {
        guard cutmixProbability > 0 else { return nil }
        let p = cutmixProbability
        return { x, labels, rng in
            guard rng.nextFloat() < p else { return nil }
            let (pasted, partners, ratio) = try GradientMatching.cutMix(x, labels: labels, rng: &rng)
            return (pasted, partners, ratio)
        }
    }
}

extension EvaluationProtocol {
    /// The recipe for a set of `subject` on `data`; nil for `.dd`, which trains no fresh networks
    /// on the images. `epochs` and `augmentation` replace the protocol's (DC's epoch count then
    /// follows the augmentation given, as its main.py does); the schedule follows the epochs.
    public func recipe(for data: Dataset, subject: EvaluationSubject, epochs: Int? = nil,
                       augmentation: EvaluationAugmentation? = nil) -> EvaluationRecipe? {
        switch self {
        case .dd:
            return nil
        case .dc:
            // main.py:105-123 (get_daparam, utils.py:431-445): crop_scale_rotate on MNIST only.
            let aug = augmentation ?? (Self.isMNIST(data) ? .dc(strategy: "crop_scale_rotate") : .none)
            let e = epochs ?? (aug.isActive ? 1000 : 300)
            return EvaluationRecipe(evaluationProtocol: self, epochs: e, train: .referenceEvaluation(epochs: e),
                                    augmentation: aug, cutmixProbability: 0)
        case .dsa, .dm, .mtt:
            // utils.py:337-361 with args.dsa; MTT's distill.py:210 trains with the learned syn_lr.
            let e = epochs ?? 1000
            let lr = self == .mtt ? (subject.learnedStepSize ?? 0.01) : 0.01
            return EvaluationRecipe(evaluationProtocol: self, epochs: e,
                                    train: .referenceEvaluation(epochs: e, learningRate: lr),
                                    augmentation: augmentation ?? .dsa(strategy: DSA.paperStrategy(for: data)),
                                    cutmixProbability: 0)
        case .idc:
            // train.py:102-166: batch 64, MultiStepLR [2E/3, 5E/6] γ 0.2 stepped per epoch (no
            // optimiser restart), E epochs (1000 below ImageNet, argument.py:437-446).
            let e = epochs ?? 1000
            var train = TrainConfig(epochs: e, learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4, batchSize: 64,
                                    schedule: .multiStep(milestones: [2 * e / 3, 5 * e / 6], factor: 0.2))
            train.momentumRestarts = false
            let (strategy, cutmix) = Self.idcAugmentation(for: data, subject: subject)
            return EvaluationRecipe(evaluationProtocol: self, epochs: e, train: train,
                                    augmentation: augmentation ?? .idc(strategy: strategy), cutmixProbability: cutmix)
        }
    }

    /// IDC's per-data-set augmentation (argument.py:266-295, 451-457): the DSA strategy without
    /// cutout, without flip on MNIST and SVHN; CutMix p 0.5, except MNIST with formation factor
    /// above 1 and SVHN at ipc 1 without formation (which keeps cutout instead).
    static func idcAugmentation(for data: Dataset, subject: EvaluationSubject) -> (strategy: String, cutmix: Float) {
        let name = data.name.lowercased()
        let svhn = name.contains("svhn")
        let noFlip = data.isDigits || svhn
        if svhn && subject.ipc == 1 && subject.formationFactor == 1 {
            return ("color_crop_cutout_scale_rotate", 0)
        }
        let strategy = noFlip ? "color_crop_scale_rotate" : "color_crop_flip_scale_rotate"
        if Self.isMNIST(data) && subject.formationFactor > 1 { return (strategy, 0) }
        return (strategy, 0.5)
    }

    /// MNIST itself (DC's `get_daparam` tests `dataset == 'MNIST'`; Fashion-MNIST is not).
    static func isMNIST(_ data: Dataset) -> Bool { data.name.lowercased() == "mnist" }
}

extension SyntheticSet {
    /// The protocol the set is judged by: the one recorded by its run, or for sets from older
    /// files the protocol of the method that made it (DC's for anything unknown).
    public var evaluationProtocol: EvaluationProtocol {
        artifacts.evaluationProtocol ?? MethodRegistry.method(named: method)?.evaluationProtocol ?? .dc
    }

    /// What its recipe depends on.
    public var evaluationSubject: EvaluationSubject {
        EvaluationSubject(ipc: ipc, formationFactor: formationFactor, learnedStepSize: learnedLR)
    }
}
