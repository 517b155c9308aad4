// ZCA on a whole data set, as MTT's CIFAR settings use it: fitted on the train split's pixels
// in [0, 1] (no mean/std normalisation then, as the reference), applied to both splits.
import TensorCore

extension ZCA {
    /// `data` with both splits whitened by a ZCA fitted on its train split, and the transform
    /// (whose `unwhiten` gives [0, 1] pixels back, for pictures). The name gains "+zca".
    public static func whitened(_ data: Dataset, eps: Float = 0.1) throws -> (dataset: Dataset, zca: ZCA) {
        guard data.whitening == nil else { throw DataError("zca: \(data.name) is already whitened") }
        let train = try data.normalization.denormalized(data.train.images)
        let zca = try fit(train, eps: eps)
        let test = try data.normalization.denormalized(data.test.images)
        var provenance = data.provenance
        provenance.transform += "; zca(eps \(eps)) fitted on train"
        provenance.zcaEps = eps
        var out = try Dataset(name: data.name + "+zca", classNames: data.classNames, normalization: data.normalization,
                              train: DatasetSplit(images: zca.whiten(train), labels: data.train.labels, classCount: data.classCount),
                              test: DatasetSplit(images: zca.whiten(test), labels: data.test.labels, classCount: data.classCount),
                              provenance: provenance)
        out.whitening = zca
        return (out, zca)
    }
}
