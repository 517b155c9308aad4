// One split of a data set (train or test): normalised images, labels and the per-class index.
// Sampling, subsets and concatenation live in DatasetSplit+Sampling.swift; loading elsewhere.
import TensorCore

/// Normalised images with their labels, and the indices of each class.
///
///     let split = dataset.train
///     split.images.shape          // [60000, 1, 28, 28]
///     split.classIndex[3].count   // how many images of class 3
public struct DatasetSplit: Sendable, Equatable {
    /// Normalised images, shape [N, C, H, W].
    public let images: Tensor
    /// Class of each image, in `0..<classCount`.
    public let labels: [Int]
    /// Number of classes labels may take (classes may be absent from a split).
    public let classCount: Int
    /// For each class, the indices of its images in increasing order.
    public let classIndex: [[Int]]

    /// A split of `images` [N, C, H, W] and one label per image in `0..<classCount`.
    public init(images: Tensor, labels: [Int], classCount: Int) throws {
        guard images.rank == 4 else {
            throw DataError("split: images must have shape [N, C, H, W], got \(images.shape.shapeText)")
        }
        guard images.shape[0] == labels.count else {
            throw DataError("split: \(images.shape[0]) images but \(labels.count) labels")
        }
        guard classCount > 0 else { throw DataError("split: class count must be positive, got \(classCount)") }
        var index = [[Int]](repeating: [], count: classCount)
        for (i, label) in labels.enumerated() {
            guard label >= 0 && label < classCount else {
                throw DataError("split: label \(label) of image \(i) is outside 0..<\(classCount)")
            }
            index[label].append(i)
        }
        self.images = images
        self.labels = labels
        self.classCount = classCount
        self.classIndex = index
    }

    /// An empty split of images shaped [C, H, W].
    public static func empty(imageShape: [Int], classCount: Int) throws -> DatasetSplit {
        try DatasetSplit(images: Tensor(unchecked: [0] + imageShape, data: []), labels: [], classCount: classCount)
    }

    /// Number of images.
    public var count: Int { labels.count }
    /// Shape of one image, [C, H, W].
    public var imageShape: [Int] { Array(images.shape.dropFirst()) }
    /// Number of images of each class.
    public var classCounts: [Int] { classIndex.map(\.count) }
}
