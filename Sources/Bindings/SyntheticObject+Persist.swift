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
            loss: blobs.add("\(path).loss", s.loss), interrupted: s.interrupted, learnedLR: s.learnedLR)
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
        return SyntheticObject(set, dataset: dataset)
    }
}
