// GridSource: what a host object provides to be drawn by `grid` (images, how to de-normalise
// them, row labels, images per row). Tensors conform here; data sets and synthetic sets
// conform in their own files. No drawing happens here (ImageIO.ImageGrid does that).
import Script
import TensorCore
import ImageIO

/// The pictures a `GridSource` hands to `grid`.
///
/// - `images`: [N, C, H, W] with C = 1 or 3, in the order they fill the grid (row by row).
/// - `normalize`: how stored values become intensities (a data set's mean/std, or `.none`).
/// - `rowLabels`: one name per grid row (class names), drawn when the call says `labels=true`.
/// - `perRow`: images per row (images per class for a class-ordered set); nil lets `grid` choose.
public typealias GridImages = (images: Tensor, normalize: ImageGrid.Normalize, rowLabels: [String]?, perRow: Int?)

/// A host object `grid(x, path)` can draw.
///
///     extension SyntheticSetObject: GridSource {
///         func gridImages() throws -> GridImages {
///             (set.images, .meanStd(mean: set.mean, std: set.std), set.classNames, set.imagesPerClass)
///         }
///     }
///
/// Sources that hold many images per class (data set splits) also implement
/// `gridImages(perClass:)` for `grid(split, path, n=10)`; the default refuses `n=`.
public protocol GridSource: HostObject {
    /// Everything to draw, with the source's own layout and de-normalisation.
    func gridImages() throws -> GridImages
    /// At most `n` images of each class, one class per row.
    func gridImages(perClass n: Int) throws -> GridImages
}

extension GridSource {
    public func gridImages(perClass n: Int) throws -> GridImages {
        throw ScriptError("n= (images per class) applies to data sets, not to a \(typeName)")
    }
}

extension TensorObject: GridSource {
    /// A tensor [N, C, H, W] as it is; one image [C, H, W] or [H, W] is a batch of one.
    /// Values are taken as intensities in [0, 1] unless `grid` is told `normalize=`.
    public func gridImages() throws -> GridImages {
        var images = tensor
        switch images.rank {
        case 2: images = try images.reshaped([1, 1] + images.shape)
        case 3: images = try images.reshaped([1] + images.shape)
        case 4: break
        default:
            throw ScriptError("grid: a tensor of images must be [N, C, H, W] (or one image [C, H, W] or [H, W]), got shape \(tensor.shape.shapeText)")
        }
        return (images, .none, nil, nil)
    }
}
