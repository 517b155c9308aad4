// Pictures of data sets, splits and synthetic sets: class-ordered grids, de-normalised with
// the data set's own mean and std (or un-whitened), class names as row labels.
import Datasets
import Distillation
import ImageIO
import Script
import TensorCore

/// `n` images of each class of a split, class by class (first images of each class).
func classGrid(_ split: DatasetSplit, _ dataset: Dataset, perClass n: Int) throws -> GridImages {
    guard n >= 1 else { throw ScriptError("n must be at least 1, got \(n)") }
    var idx: [Int] = []
    for c in 0..<split.classCount { idx += split.classIndex[c].prefix(n) }
    guard !idx.isEmpty else { throw ScriptError("the split has no images to draw") }
    let (images, norm) = try pictureSpace(try split.gather(idx).images, of: dataset)
    let full = split.classIndex.allSatisfy { $0.count >= n }
    return (images, norm, full ? dataset.classNames : nil, full ? n : nil)
}

/// Images of `dataset`'s space and how the grid turns them into intensities: de-normalised
/// with the set's mean and std, or un-whitened first when the set is ZCA-whitened.
func pictureSpace(_ images: Tensor, of dataset: Dataset, normalization: Normalization? = nil) throws -> (Tensor, ImageGrid.Normalize) {
    if dataset.whitening != nil { return (try dataset.pixels01(images), .none) }
    let n = normalization ?? dataset.normalization
    return (images, .meanStd(mean: n.mean, std: n.std))
}

extension DatasetObject: GridSource {
    func gridImages() throws -> GridImages { try classGrid(dataset.train, dataset, perClass: 10) }
    func gridImages(perClass n: Int) throws -> GridImages { try classGrid(dataset.train, dataset, perClass: n) }
}

extension SplitObject: GridSource {
    func gridImages() throws -> GridImages { try classGrid(split, dataset, perClass: 10) }
    func gridImages(perClass n: Int) throws -> GridImages { try classGrid(split, dataset, perClass: n) }
}

extension SyntheticObject: GridSource {
    func gridImages() throws -> GridImages {
        let (images, norm) = try pictureSpace(synthetic.images, of: dataset, normalization: synthetic.normalization)
        return (images, norm, synthetic.classNames, synthetic.ipc)
    }
}
