// The evaluation protocol (REFERENCE.md §2.9): train fresh networks on a small labelled set,
// test each on the real test split, report mean ± std over runs. Every method is judged by it.
import TensorCore

/// Accuracies of repeated evaluation runs.
public struct EvaluationResult: Codable, Equatable, Sendable {
    public var accuracies: [Float]
    public var architecture: String
    public var epochs: Int
    public var trainImages: Int
    public var interrupted = false
    /// The named protocol the runs followed ("dsa"), when one was asked for; `epochs` is then
    /// the protocol's epoch count as its reference code states it.
    public var protocolName: String?
    /// Set when a run's training diverged ("run 2 diverged at epoch 3 (loss nan)"): the
    /// evaluation stopped there and has no accuracy; `mean` and `std` are nan.
    public var diverged: String?
    /// With held-out real images (`validation`): each run's accuracy on them.
    public var validationAccuracies: [Float]?
    /// With a learning-rate sweep: the candidates and the one chosen on the validation images.
    public var sweep: LearningRateSweep?

    public var mean: Float {
        if diverged != nil { return .nan }
        return accuracies.isEmpty ? 0 : accuracies.reduce(0, +) / Float(accuracies.count)
    }
    /// Population standard deviation (numpy's default, as the reference code reports).
    public var std: Float {
        if diverged != nil { return .nan }
        guard !accuracies.isEmpty else { return 0 }
        let m = mean
        return (accuracies.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(accuracies.count)).squareRoot()
    }

    /// "ConvNet-3 on 100 images: test accuracy 84.1 ± 0.3 % (5 runs, 300 epochs)", or with a
    /// protocol "(5 runs, protocol dsa, 1000 epochs)".
    public var summary: String {
        let pct = { (v: Float) in String(format: "%.1f", Double(v) * 100) }
        if let diverged {
            return "\(architecture) on \(trainImages) images: no test accuracy: training \(diverged) (HINT: lower lr)"
        }
        var text = "\(architecture) on \(trainImages) images: test accuracy \(pct(mean)) ± \(pct(std)) % (\(accuracies.count) run\(accuracies.count == 1 ? "" : "s"), \(protocolName.map { "protocol \($0), " } ?? "")\(epochs) epoch\(epochs == 1 ? "" : "s"))"
        if let v = validationAccuracies, !v.isEmpty {
            text += "; validation \(pct(v.reduce(0, +) / Float(v.count))) %"
        }
        if let sweep {
            text += "; lr \(sweep.chosen) chosen on validation from \(sweep.candidates.map { "\($0)" }.joined(separator: ", "))"
        }
        return text + (interrupted ? " [interrupted]" : "")
    }
}

/// The learning rates an evaluation tried and the one whose runs did best on held-out real
/// images (never on the test split); `validation[i]` is candidate i's mean validation accuracy.
public struct LearningRateSweep: Codable, Equatable, Sendable {
    public var candidates: [Float]
    public var validation: [Float]
    public var chosen: Float

    public init(candidates: [Float], validation: [Float], chosen: Float) {
        self.candidates = candidates
        self.validation = validation
        self.chosen = chosen
    }
}

extension EvaluationResult {
    /// A result built elsewhere (methods with their own protocol, such as DD's).
    public init(accuracies: [Float], architecture: String, epochs: Int, trainImages: Int) {
        self.accuracies = accuracies
        self.architecture = architecture
        self.epochs = epochs
        self.trainImages = trainImages
    }
}

public enum Evaluation {
    /// Trains `runs` fresh models (built by `makeModel` from per-run seeds derived from `seed`)
    /// on (images, labels) and tests each on (testImages, testLabels).
    public static func run(
        images: Tensor, labels: [Int], testImages: Tensor, testLabels: [Int],
        config: TrainConfig, runs: Int, seed: UInt64,
        makeModel: (inout SeededRNG) throws -> Model,
        augment: BatchAugment? = nil, mix: BatchMix? = nil, progress: ProgressSink = SilentProgress(),
        hook: EvaluationHook? = nil, validation: (images: Tensor, labels: [Int])? = nil
    ) throws -> EvaluationResult {
        guard runs >= 1 else { throw TensorError("evaluate: runs must be >= 1, got \(runs)") }
        // Checked before any training: every run would end on a test of nothing.
        guard !testLabels.isEmpty else { throw TensorError("evaluate: there are no test images to measure on") }
        var master = SeededRNG(seed: seed)
        var result = EvaluationResult(accuracies: [], architecture: "", epochs: config.epochs, trainImages: labels.count)
        if validation != nil { result.validationAccuracies = [] }
        if let resume = hook?.resume {
            guard resume.accuracies.count <= runs else {
                throw TensorError("evaluate: the checkpoint has \(resume.accuracies.count) runs done, more than the \(runs) asked for")
            }
            master = resume.master
            result.accuracies = resume.accuracies
            var probe = SeededRNG(seed: 0)
            result.architecture = try makeModel(&probe).name
        }
        for r in result.accuracies.count..<runs {
            let masterBefore = master
            var rng = master.fork()
            let model = try makeModel(&rng)
            result.architecture = model.name
            let history = try Trainer.train(model, images: images, labels: labels, config: config, rng: &rng,
                                            augment: augment, mix: mix, progress: progress, title: "evaluate \(r + 1)/\(runs)")
            if let d = history.diverged {
                // Nothing to test: a diverged network's accuracy is chance, not a result.
                result.diverged = "of run \(r + 1) \(d.description)"
                break
            }
            result.accuracies.append(try Trainer.accuracy(model, images: testImages, labels: testLabels))
            if let validation {
                result.validationAccuracies?.append(try Trainer.accuracy(model, images: validation.images, labels: validation.labels))
            }
            // A run cut short is not kept in the checkpoint: resuming trains it again in full.
            if history.interrupted {
                try hook?.afterRun(Array(result.accuracies.dropLast()), masterBefore, true)
            } else {
                try hook?.afterRun(result.accuracies, master, false)
            }
            if history.interrupted { result.interrupted = true; break }
        }
        return result
    }
}

#if canImport(Foundation)
import Foundation
#endif

/// How an evaluation is checkpointed: the finished runs' accuracies with the generator that
/// seeds the next run, to resume from and to save after each run.
public struct EvaluationHook {
    public var resume: (accuracies: [Float], master: SeededRNG)?
    public var afterRun: (_ accuracies: [Float], _ master: SeededRNG, _ stopping: Bool) throws -> Void

    public init(resume: (accuracies: [Float], master: SeededRNG)?,
                afterRun: @escaping ([Float], SeededRNG, Bool) throws -> Void) {
        self.resume = resume
        self.afterRun = afterRun
    }
}
