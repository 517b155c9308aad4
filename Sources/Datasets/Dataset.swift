// The data set value: name, classes, image shape, normalisation, train and test splits, and
// where it came from. Finding and reading files is in Dataset+Loading.swift and the readers.
import TensorCore

/// A labelled image data set with a train and a test split in normalised space.
///
///     let fashion = try Dataset.load("fashion-mnist")
///     fashion.imageShape                     // [1, 28, 28]
///     fashion.train.images.shape             // [60000, 1, 28, 28]
///     var rng = SeededRNG(seed: 0)
///     let tens = try fashion.train.sample(ofClass: 3, count: 10, rng: &rng)
public struct Dataset: Sendable, Equatable {
    /// Short name: the named set (`mnist`, `cifar10`, ...) or the folder's name.
    public var name: String
    /// Name of each class; label i is `classNames[i]`.
    public let classNames: [String]
    /// Shape of one image, [C, H, W].
    public let imageShape: [Int]
    /// Per-channel constants the images were normalised with.
    public let normalization: Normalization
    /// Training images.
    public let train: DatasetSplit
    /// Test images (empty for a folder without a `test/` sub-folder).
    public let test: DatasetSplit
    /// How to load this data set again (for saving by reference).
    public var provenance: DatasetProvenance
    /// The ZCA transform both splits were whitened with (`ZCA.whitened`), or nil; pictures
    /// undo it (`pixels01`).
    public var whitening: ZCA?

    /// A data set from already-normalised splits; shapes and class counts must agree.
    public init(name: String, classNames: [String], normalization: Normalization,
                train: DatasetSplit, test: DatasetSplit, provenance: DatasetProvenance) throws {
        guard train.imageShape == test.imageShape else {
            throw DataError("\(name): train images are \(train.imageShape.shapeText) but test images are \(test.imageShape.shapeText)")
        }
        guard train.imageShape.count == 3, train.imageShape[0] == normalization.channels else {
            throw DataError("\(name): images \(train.imageShape.shapeText) do not match \(normalization.channels)-channel normalisation")
        }
        guard train.classCount == classNames.count, test.classCount == classNames.count else {
            throw DataError("\(name): \(classNames.count) class names but splits have \(train.classCount) and \(test.classCount) classes")
        }
        self.name = name
        self.classNames = classNames
        self.imageShape = train.imageShape
        self.normalization = normalization
        self.train = train
        self.test = test
        self.provenance = provenance
    }

    /// Number of classes.
    public var classCount: Int { classNames.count }

    /// Whether the images are handwritten digits (MNIST and sets named after it, not
    /// Fashion-MNIST): the papers leave flips out of their augmentation for these.
    public var isDigits: Bool {
        let n = name.lowercased()
        return n.contains("mnist") && !n.contains("fashion")
    }

    /// Images of this data set's space (normalised, or whitened) back in [0, 1] pixel units
    /// (not clamped), for pictures and pixel-space methods.
    public func pixels01(_ images: Tensor) throws -> Tensor {
        if let whitening { return try whitening.unwhiten(images) }
        return try normalization.denormalized(images)
    }

    /// The split called `train` or `test`.
    public func split(_ name: String) throws -> DatasetSplit {
        switch name {
        case "train": return train
        case "test": return test
        default: throw DataError("split: expected \"train\" or \"test\", got \"\(name)\"")
        }
    }

    /// The test split, for measuring accuracy on; an error when it is empty (an image folder
    /// without `test/`), since a score on no images would read as 0 %.
    public func nonEmptyTestSplit() throws -> DatasetSplit {
        guard test.count == 0 else { return test }
        throw DataError("the data set '\(name)' has no test split",
                        hint: "an image folder gets one from ROOT/train/CLASS/*.png beside ROOT/test/CLASS/*.png (docs/datasets.md); "
                            + "to measure on other images, give a split, such as data.train or subset(data, 10)")
    }

    /// Both data sets' splits joined (train after train, test after test). They must have the
    /// same class names, image shape and normalisation.
    public static func concatenated(_ a: Dataset, _ b: Dataset) throws -> Dataset {
        guard a.classNames == b.classNames else {
            throw DataError("concatenate: \(a.name) and \(b.name) have different class names")
        }
        guard a.normalization == b.normalization else {
            throw DataError("concatenate: \(a.name) and \(b.name) are normalised differently")
        }
        guard a.imageShape == b.imageShape else {
            throw DataError("concatenate: \(a.name) has images \(a.imageShape.shapeText), \(b.name) has \(b.imageShape.shapeText)")
        }
        let train = try DatasetSplit.concatenated([a.train, b.train])
        let test = try DatasetSplit.concatenated([a.test, b.test])
        var prov = a.provenance
        prov.transform += "; concatenated with \(b.name)"
        return try Dataset(name: a.name + "+" + b.name, classNames: a.classNames, normalization: a.normalization,
                           train: train, test: test, provenance: prov)
    }
}

/// Where a data set came from, enough to load it again instead of saving its pixels.
public struct DatasetProvenance: Codable, Sendable, Equatable {
    /// The named set (`fashion-mnist`) or, for a folder, its path as given.
    public var source: String
    /// The directory the files were read from.
    public var root: String
    /// The split a selection refers to (`train`, `test`), or nil for the whole set.
    public var split: String?
    /// The indices within that split a selection holds, or nil for all of it.
    public var indices: [Int]?
    /// What was done to the pixels, e.g. `normalize mean=[0.2861] std=[0.353]`.
    public var transform: String
    /// Set when the data set was ZCA-whitened with this epsilon (re-fitted when loaded again).
    public var zcaEps: Float?

    public init(source: String, root: String, split: String? = nil, indices: [Int]? = nil, transform: String) {
        self.source = source
        self.root = root
        self.split = split
        self.indices = indices
        self.transform = transform
    }

    /// The usual transform text for a normalisation.
    public static func transformText(_ n: Normalization) -> String {
        "normalize mean=\(n.mean) std=\(n.std)"
    }
}
