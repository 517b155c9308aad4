// Data sets and splits in session files: by reference (how to open the set again, and which
// images a split selects); a split made some other way keeps its images and labels.
import Datasets
import Persistence
import Script
import TensorCore

extension DatasetObject {
    var stored: StoredDataset { StoredDataset(name: dataset.name, provenance: dataset.provenance) }
}

extension SplitObject {
    func store(path: String, into blobs: inout BlobTable) -> StoredSplit {
        let ref = StoredDataset(name: dataset.name, provenance: dataset.provenance)
        if let selection {
            return StoredSplit(dataset: ref, name: name, selection: selection, images: nil, labels: nil)
        }
        return StoredSplit(dataset: ref, name: name, selection: nil,
                           images: TensorObject.store(split.images, path: path, into: &blobs), labels: split.labels)
    }

    static func restore(_ stored: StoredSplit, from reader: SessionReader, path: String) throws -> SplitObject {
        let dataset = try reader.dataset(stored.dataset, path: path)
        if let selection = stored.selection {
            do {
                return SplitObject(try dataset.selection(selection), of: dataset, name: stored.name, selection: selection)
            } catch let e as DataError {
                throw SessionReader.MissingData(message: "'\(path)' selects images of '\(dataset.name)' that are not there any more: \(e.message)")
            }
        }
        guard let images = stored.images, let labels = stored.labels else {
            throw PersistenceError(.badManifest, "\(reader.fileLabel): the split '\(path)' has neither a selection nor images")
        }
        do {
            let split = try DatasetSplit(images: try reader.tensor(images, path: path), labels: labels, classCount: dataset.classCount)
            return SplitObject(split, of: dataset, name: stored.name)
        } catch let e as DataError {
            throw PersistenceError(.damaged, "\(reader.fileLabel): the split '\(path)' is inconsistent: \(e.message)")
        }
    }
}
