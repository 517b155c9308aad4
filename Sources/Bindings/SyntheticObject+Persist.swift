// Synthetic sets in session files: images and loss history as blobs, labels, settings and
// learned rates in the manifest, the data set they were made from by reference.
import Distillation
import Persistence
import Script
import TensorCore

extension SyntheticObject {
    func store(path: String, into blobs: inout BlobTable) -> StoredSynthetic {
        let s = synthetic
        return StoredSynthetic(
            dataset: StoredDataset(name: dataset.name, provenance: dataset.provenance),
            images: TensorObject.store(s.images, path: "\(path).images", into: &blobs),
            labels: s.labels, ipc: s.ipc, classNames: s.classNames, normalization: s.normalization,
            method: s.method, settings: s.settings, iterations: s.iterations,
            loss: blobs.add("\(path).loss", s.loss), interrupted: s.interrupted, learnedLR: s.learnedLR,
            budgetSpent: s.budgetSpent, diverged: s.diverged, resume: s.resumeState.map { storeResume($0, path: "\(path).resume", into: &blobs) })
    }

    private func storeResume(_ r: ResumeState, path: String, into blobs: inout BlobTable) -> StoredResume {
        var tensors: [String: [StoredTensor]] = [:]
        for name in r.state.tensors.keys.sorted() {
            tensors[name] = r.state.tensors[name]!.enumerated().map { i, t in
                TensorObject.store(t, path: "\(path).\(name)[\(i)]", into: &blobs)
            }
        }
        return StoredResume(method: r.method, config: r.config, step: r.state.step, rng: Checkpoint.hexWords(r.state.rng),
                            loss: blobs.add("\(path).loss", r.state.loss), tensors: tensors, numbers: r.state.numbers)
    }

    private static func restoreResume(_ r: StoredResume, from reader: SessionReader, path: String) throws -> ResumeState {
        guard let rng = Checkpoint.generator(hexWords: r.rng) else {
            throw PersistenceError(.damaged, "\(reader.fileLabel): the run state of '\(path)' has a generator state that is not four 64-bit words")
        }
        guard !Checkpoint.isDegenerate(rng) else {
            throw PersistenceError(.damaged, "\(reader.fileLabel): the run state of '\(path)' has \(Checkpoint.degenerateGenerator)")
        }
        let loss = try reader.floats(r.loss)
        guard r.step >= 0, loss.count == r.step else {
            throw PersistenceError(.damaged, "\(reader.fileLabel): the run state of '\(path)' has \(loss.count) loss values for \(r.step) iterations")
        }
        var tensors: [String: [Tensor]] = [:]
        for (name, list) in r.tensors {
            tensors[name] = try list.enumerated().map { i, t in try reader.tensor(t, path: "\(path).resume.\(name)[\(i)]") }
        }
        return ResumeState(method: r.method, config: r.config,
                           state: Checkpoint.State(step: r.step, rng: rng, loss: loss, tensors: tensors, numbers: r.numbers))
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
        set.resumeState = try stored.resume.map { try restoreResume($0, from: reader, path: path) }
        return SyntheticObject(set, dataset: dataset)
    }
}
