// Synthetic sets in session files: images and loss history as blobs, labels, settings and
// learned rates in the manifest, the data set they were made from by reference.
import Distillation
import Foundation
import NeuralNet
import Persistence
import Script
import TensorCore

extension SyntheticObject {
    func store(path: String, into blobs: inout BlobTable) throws -> StoredSynthetic {
        let s = synthetic
        return StoredSynthetic(
            dataset: StoredDataset(name: dataset.name, provenance: dataset.provenance),
            images: TensorObject.store(s.images, path: "\(path).images", into: &blobs),
            labels: s.labels, ipc: s.ipc, classNames: s.classNames, normalization: s.normalization,
            method: s.method, settings: s.settings, iterations: s.iterations,
            loss: blobs.add("\(path).loss", s.loss), interrupted: s.interrupted, learnedLR: nil,
            budgetSpent: s.budgetSpent, diverged: s.diverged, resume: nil,
            run: try s.run.map { try $0.stored(prefix: "\(path).run", into: &blobs) }, artifacts: s.artifacts)
    }

    static func restore(_ stored: StoredSynthetic, from reader: SessionReader, path: String) throws -> SyntheticObject {
        let dataset = try reader.dataset(stored.dataset, path: path)
        let images = try reader.tensor(stored.images, path: "\(path).images")
        guard images.rank == 4, images.shape[0] == stored.labels.count else {
            throw PersistenceError(.damaged, "\(reader.fileLabel): the synthetic set '\(path)' has \(stored.labels.count) labels for images \(images.shape)")
        }
        var set = SyntheticSet(images: images, labels: stored.labels, ipc: stored.ipc, classNames: stored.classNames,
                               normalization: stored.normalization, method: stored.method, settings: stored.settings)
        set.iterations = stored.iterations
        set.loss = try reader.floats(stored.loss)
        set.interrupted = stored.interrupted
        set.learnedLR = stored.learnedLR
        set.budgetSpent = stored.budgetSpent ?? false
        set.diverged = stored.diverged
        set.artifacts = stored.artifacts ?? MethodArtifacts(format1: set)
        if let run = stored.run {
            set.run = try RunRecord(run, blobs: reader.blobs, label: reader.fileLabel) { reader.damaged($0, path: path) }
        } else if let r = stored.resume {
            // Format 1: the same fields, the state as named tensors, migrated by the method.
            let run = StoredRun(method: r.method, config: r.config, step: r.step, rng: r.rng, loss: r.loss, state: nil,
                               tensors: r.tensors.mapValues { $0.map { .object(["shape": .array($0.shape.map { .integer(Int64($0)) }), "blob": .string($0.blob)]) } },
                               numbers: r.numbers)
            set.run = try RunRecord(run, blobs: reader.blobs, label: reader.fileLabel) { reader.damaged($0, path: path) }
        }
        return SyntheticObject(set, dataset: dataset)
    }
}

extension SessionReader {
    /// How a session file names a problem with a set's run state.
    func damaged(_ problem: RunRecord.Problem, path: String) -> PersistenceError {
        switch problem {
        case .badGenerator:
            return PersistenceError(.damaged, "\(fileLabel): the run state of '\(path)' has a generator state that is not four 64-bit words")
        case .zeroGenerator:
            return PersistenceError(.damaged, "\(fileLabel): the run state of '\(path)' has \(Checkpoint.degenerateGenerator)")
        case .lossCount(let n, let steps):
            return PersistenceError(.damaged, "\(fileLabel): the run state of '\(path)' has \(n) loss values for \(steps) iterations")
        case .other(let text):
            return PersistenceError(.damaged, "\(fileLabel): the run state of '\(path)': \(text)")
        }
    }
}

extension MethodArtifacts {
    /// What a format 1 set kept as text: the seed, MTT's learned step size, the formation
    /// factor, DD's learned steps.
    init(format1 set: SyntheticSet) {
        self.init(seed: set.settings["seed"].flatMap { UInt64($0) })
        learnedStepSize = set.learnedLR
        formationFactor = set.settings["factor"].flatMap { Int($0) }
        skipped = set.settings["skipped"].flatMap { Int($0) }
        if set.method == "dd" { learnedSteps = LearnedSteps(format1: set.settings) }
    }
}

extension LearnedSteps {
    /// DD's learned steps from a format 1 set's settings (steps, epochs, step_lrs comma-joined,
    /// init, pretrain_epochs, pool, model_spec as ModelSpec JSON, init_seed); nil when one is
    /// missing or malformed (evaluation then says the set carries none).
    init?(format1 s: [String: String]) {
        func count(_ key: String) -> Int? { s[key].flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil } }
        guard let steps = count("steps"), let epochs = count("epochs"), let pretrain = count("pretrain_epochs"), let pool = count("pool"),
              let initialization = s["init"].flatMap({ DDInit(rawValue: $0) }), let seed = s["init_seed"].flatMap({ UInt64($0) }),
              let spec = s["model_spec"], let model = try? JSONDecoder().decode(ModelSpec.self, from: Foundation.Data(spec.utf8)),
              let text = s["step_lrs"] else { return nil }
        let rates = text.split(separator: ",").compactMap { Float(String($0)) }
        guard rates.count == text.split(separator: ",").count else { return nil }
        self.init(steps: steps, epochs: epochs, rates: rates, initialization: initialization, pretrainEpochs: pretrain, pool: pool,
                  model: model, initSeed: seed)
    }
}
