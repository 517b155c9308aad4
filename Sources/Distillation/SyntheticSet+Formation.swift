// The training images of a synthetic set: the stored images themselves, or for IDC/DREAM sets
// (a formation factor > 1) every stored image decoded into factor² tiles. Decoding is in IDC+Formation.
import Autograd
import TensorCore

extension SyntheticSet {
    /// Multi-formation factor recorded by IDC/DREAM (`artifacts.formationFactor`); 1 otherwise.
    public var formationFactor: Int { artifacts.formationFactor ?? 1 }

    /// The images and labels a network trains on: for a set with factor f > 1, f² decoded images
    /// per stored image (tile-major, as IDC's evaluation loader); otherwise the images as stored.
    public func trainingImages() throws -> (images: Tensor, labels: [Int]) {
        let formation = try MultiFormation(factor: formationFactor)
        guard formation.factor > 1 else { return (images, labels) }
        // Decoding pads with mid-grey in pixel units, which is this value in normalised space.
        let pad = zip(normalization.mean, normalization.std).map { (0.5 - $0) / $1 }
        var decoded: [Tensor] = [], decodedLabels: [Int] = []
        // Class by class (as the reference loader), so the labels stay class-major.
        var start = 0
        while start < labels.count {
            var end = start
            while end < labels.count && labels[end] == labels[start] { end += 1 }
            let x = try images.slice(axis: 0, start..<end)
            decoded.append(try GradMode.withoutGrad { try formation.decode(Variable(x), pad: pad).value })
            decodedLabels += [Int](repeating: labels[start], count: (end - start) * formation.imagesPerStored)
            start = end
        }
        return (try Tensor.concat(decoded, axis: 0), decodedLabels)
    }
}
