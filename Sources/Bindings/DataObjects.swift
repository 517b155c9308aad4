// Host objects for data sets and their splits: what `dataset(...)` returns and what
// `data.train` / `data.test` give. Tensor-valued members come through `tensorValue`.
import Datasets
import Foundation
import Script
import TensorCore

/// A loaded data set in the language.
final class DatasetObject: HostObject {
    let dataset: Dataset
    init(_ dataset: Dataset) { self.dataset = dataset }

    var typeName: String { "dataset" }

    var summary: String {
        let d = dataset
        let shape = d.imageShape.map(String.init).joined(separator: "x")
        let norm = zip(d.normalization.mean, d.normalization.std)
            .map { String(format: "%.4f", $0) + "/" + String(format: "%.4f", $1) }.joined(separator: ", ")
        if let z = d.whitening {
            return "\(d.name): \(d.train.count) train / \(d.test.count) test, \(shape), \(d.classCount) classes, ZCA-whitened (eps \(z.eps), fitted on train)"
        }
        return "\(d.name): \(d.train.count) train / \(d.test.count) test, \(shape), \(d.classCount) classes, normalised (mean/std \(norm))"
    }

    var memberNames: [String] { ["name", "classes", "train", "test", "shape", "mean", "std", "zca"] }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "name": return .string(dataset.name)
        case "classes": return .list(dataset.classNames.map { .string($0) })
        case "train": return .host(SplitObject(dataset.train, of: dataset, name: "train", selection: dataset.provenance(split: "train", indices: nil)))
        case "test": return .host(SplitObject(dataset.test, of: dataset, name: "test", selection: dataset.provenance(split: "test", indices: nil)))
        case "shape": return .list(dataset.imageShape.map { .number(Double($0)) })
        case "mean": return .list(dataset.normalization.mean.map(numberValue))
        case "std": return .list(dataset.normalization.std.map(numberValue))
        case "zca": return dataset.whitening.map { .number(Double("\($0.eps)") ?? Double($0.eps)) } ?? Value.none
        default: return nil
        }
    }

    var length: Int? { dataset.train.count }
}

/// One split (train or test) of a data set, or a subset of one.
final class SplitObject: HostObject {
    let split: DatasetSplit
    let dataset: Dataset
    let name: String
    /// Which images of the data set these are (split and indices), so a session file can keep
    /// the split by reference; nil when the split was made otherwise (then it is kept by value).
    let selection: DatasetProvenance?
    init(_ split: DatasetSplit, of dataset: Dataset, name: String, selection: DatasetProvenance? = nil) {
        self.split = split
        self.dataset = dataset
        self.name = name
        self.selection = selection
    }

    var typeName: String { "split" }

    var summary: String {
        let counts = split.classCounts
        let per = Set(counts).count == 1 ? "\(counts.first ?? 0) per class" : "\(counts.min() ?? 0)-\(counts.max() ?? 0) per class"
        return "\(dataset.name) \(name): \(split.count) images (\(per)), \(split.imageShape.map(String.init).joined(separator: "x"))"
    }

    var memberNames: [String] { ["images", "labels", "count", "counts"] }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "images": return tensorValue(split.images)
        case "labels": return .list(split.labels.map { .number(Double($0)) })
        case "count": return .number(Double(split.count))
        case "counts": return .list(split.classCounts.map { .number(Double($0)) })
        default: return nil
        }
    }

    var length: Int? { split.count }
}

/// Resolves a data-set-like argument to (the data set, the labelled images to train on).
/// Accepts a data set (its train split) or a split.
func labelledImages(_ args: Arguments, _ i: Int, callee: String) throws -> (Dataset, DatasetSplit) {
    switch args.value(i) {
    case .host(let object as DatasetObject): return (object.dataset, object.dataset.train)
    case .host(let object as SplitObject): return (object.dataset, object.split)
    default: throw args.typeError(i, expected: "dataset or split")
    }
}
