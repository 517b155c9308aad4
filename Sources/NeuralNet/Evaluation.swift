// The evaluation protocol (REFERENCE.md §2.9): train fresh networks on a small labelled set,
// test each on the real test split, report mean ± std over runs. Every method is judged by it.
import Cluster
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
    ///
    /// With a `team` of several ranks the runs go in rounds of `team.size`, rank r training
    /// run `round * size + r`; every rank derives every run's generator, so run i trains from
    /// the same seed whoever trains it, and after each round the outcomes are gathered in run
    /// order. The result (and each checkpoint) is the same, bit for bit, for any rank count.
    public static func run(
        images: Tensor, labels: [Int], testImages: Tensor, testLabels: [Int],
        config: TrainConfig, runs: Int, seed: UInt64,
        makeModel: (inout SeededRNG) throws -> Model,
        augment: BatchAugment? = nil, mix: BatchMix? = nil, progress: ProgressSink = SilentProgress(),
        hook: EvaluationHook? = nil, validation: (images: Tensor, labels: [Int])? = nil,
        team: Communicator = Solo()
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
        }
        // The name, from a throw-away model: a rank may train none of the runs.
        var probe = SeededRNG(seed: 0)
        result.architecture = try makeModel(&probe).name
        var next = result.accuracies.count
        while next < runs {
            let round = next..<min(runs, next + team.size)
            // Every rank forks every run's generator, in run order, so run i's seed does not
            // depend on which rank trains it.
            let masterBefore = master
            var generators: [SeededRNG] = []
            for _ in round { generators.append(master.fork()) }
            var mine = RunOutcome()
            let index = round.lowerBound + team.rank
            if round.contains(index) {
                mine = try train(run: index, of: runs, rng: generators[team.rank], images: images, labels: labels,
                                 testImages: testImages, testLabels: testLabels, config: config, makeModel: makeModel,
                                 augment: augment, mix: mix, progress: progress, validation: validation)
            }
            let outcomes = try gather(mine, team: team).prefix(round.count)
            // Taken in run order, stopping where the one-rank loop would have stopped.
            var stop = false
            for (offset, outcome) in outcomes.enumerated() {
                if let d = outcome.diverged {
                    result.diverged = "of run \(round.lowerBound + offset + 1) \(d)"
                    stop = true
                    break
                }
                result.accuracies.append(outcome.accuracy)
                if validation != nil { result.validationAccuracies?.append(outcome.validation) }
                if outcome.interrupted { result.interrupted = true; stop = true; break }
            }
            if result.diverged != nil { break }
            // A run cut short is not kept in the checkpoint: resuming trains it again in full
            // (and, with several ranks, the runs of its round after it).
            if result.interrupted {
                try hook?.afterRun(Array(result.accuracies.prefix(round.lowerBound)), masterBefore, true)
            } else {
                try hook?.afterRun(result.accuracies, master, false)
            }
            if stop { break }
            next = round.upperBound
        }
        return result
    }

    /// What one run ended with, as exchanged between ranks.
    struct RunOutcome {
        var accuracy: Float = 0
        var validation: Float = 0
        var interrupted = false
        var diverged: String?
    }

    private static func train(
        run r: Int, of runs: Int, rng: SeededRNG, images: Tensor, labels: [Int], testImages: Tensor, testLabels: [Int],
        config: TrainConfig, makeModel: (inout SeededRNG) throws -> Model, augment: BatchAugment?, mix: BatchMix?,
        progress: ProgressSink, validation: (images: Tensor, labels: [Int])?
    ) throws -> RunOutcome {
        var rng = rng
        let model = try makeModel(&rng)
        let history = try Trainer.train(model, images: images, labels: labels, config: config, rng: &rng,
                                        augment: augment, mix: mix, progress: progress, title: "evaluate \(r + 1)/\(runs)")
        // Nothing to test: a diverged network's accuracy is chance, not a result.
        if let d = history.diverged { return RunOutcome(diverged: d.description) }
        var outcome = RunOutcome(accuracy: try Trainer.accuracy(model, images: testImages, labels: testLabels))
        if let validation { outcome.validation = try Trainer.accuracy(model, images: validation.images, labels: validation.labels) }
        outcome.interrupted = history.interrupted
        return outcome
    }

    /// Every rank's outcome, in rank order: two floats bit for bit, a flag, the divergence text.
    private static func gather(_ outcome: RunOutcome, team: Communicator) throws -> [RunOutcome] {
        if team.size == 1 { return [outcome] }
        var bytes = withUnsafeBytes(of: outcome.accuracy.bitPattern.littleEndian) { Array($0) }
        bytes += withUnsafeBytes(of: outcome.validation.bitPattern.littleEndian) { Array($0) }
        bytes.append(outcome.interrupted ? 1 : 0)
        bytes += Array((outcome.diverged ?? "").utf8)
        return try team.allgather(bytes).map { b in
            guard b.count >= 9 else { throw TensorError("evaluate: a rank sent a damaged result (\(b.count) bytes)") }
            func float(_ at: Int) -> Float {
                Float(bitPattern: UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24)
            }
            let text = String(decoding: b[9...], as: UTF8.self)
            return RunOutcome(accuracy: float(0), validation: float(4), interrupted: b[8] != 0, diverged: text.isEmpty ? nil : text)
        }
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
