// Held-out real images for `evaluate`: `validation=N` keeps N real train images per class
// apart, and a list of learning rates (`lr=[...]`) is chosen on them, never on the test split;
// the reported accuracy is the chosen rate's final-epoch test accuracy.
import Datasets
import Distillation
import NeuralNet
import Script
import TensorCore

extension DistillLibrary {
    /// The learning rates of `lr=[...]`, or nil when `lr` is not a list.
    static func learningRateCandidates(_ args: Arguments) throws -> [Float]? {
        guard case .list = args.value("lr") else { return nil }
        let values = try args.list("lr")
        guard !values.isEmpty, values.count <= 20 else { throw args.error(args.index("lr"), "a learning-rate sweep takes 1 to 20 rates, got \(values.count)") }
        return try values.map { v in
            guard case .number(let x) = v, x > 0, x.isFinite else {
                throw args.error(args.index("lr"), "learning rates must be positive numbers, got \(v)")
            }
            return Float(x)
        }
    }

    /// A single `lr=` (nil when not given, or when it is a sweep).
    static func singleLearningRate(_ args: Arguments) throws -> Double? {
        if case .list = args.value("lr") { return nil }
        return try args.optionalNumber("lr")
    }

    /// `validation=N`: N random real images per class from the train split (drawn from the
    /// evaluation's seed), or nil. A sweep without it is refused.
    static func validationImages(_ args: Arguments, dataset: Dataset, seed: UInt64, sweep: Bool) throws -> (images: Tensor, labels: [Int])? {
        guard args.isGiven("validation") else {
            if sweep {
                throw args.error(args.index("lr"), "choosing among learning rates needs held-out real images (HINT: add validation=N, N real train images per class; the test split is never used to choose)")
            }
            return nil
        }
        let n = try args.integer("validation")
        let smallest = (0..<dataset.classCount).map { dataset.train.classIndex[$0].count }.min() ?? 0
        guard n >= 1, n <= smallest else {
            throw args.error(args.index("validation"), "validation must be 1 to \(smallest) (the images of the smallest class in the train split), got \(n)")
        }
        var rng = SeededRNG(seed: seed ^ 0x7661_6C69_6461_7465)   // "validate": a stream apart from the runs'
        let split = try dataset.train.subset(perClass: n, rng: &rng)
        return (split.images, split.labels)
    }

    /// The evaluation, or for a sweep one evaluation per rate (same seeds) and the one whose
    /// runs did best on the validation images, with the sweep recorded.
    static func evaluateWithSweep(_ candidates: [Float]?, config: TrainConfig, validation: (images: Tensor, labels: [Int])?,
                                  run: (TrainConfig, (images: Tensor, labels: [Int])?) throws -> EvaluationResult) throws -> EvaluationResult {
        guard let candidates, let validation else { return try run(config, validation) }
        var tried: [(lr: Float, result: EvaluationResult, score: Float)] = []
        for lr in candidates {
            var c = config
            c.learningRate = lr
            let r = try run(c, validation)
            let v = r.diverged == nil ? (r.validationAccuracies ?? []) : []
            tried.append((lr, r, v.isEmpty ? -Float.infinity : v.reduce(0, +) / Float(v.count)))
            if r.interrupted { break }
        }
        // The first rate with the best mean validation accuracy; a diverged rate never wins
        // over one that trained. An interrupted sweep reports the rate it stopped in.
        var pick = 0
        for i in tried.indices where tried[i].score > tried[pick].score { pick = i }
        if tried.last!.result.interrupted { pick = tried.count - 1 }
        var result = tried[pick].result
        result.sweep = LearningRateSweep(candidates: Array(candidates.prefix(tried.count)), validation: tried.map(\.score), chosen: tried[pick].lr)
        return result
    }
}
