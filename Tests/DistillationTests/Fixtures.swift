import TensorCore
import Datasets
import TestSupport

/// A tiny two- or three-class data set of 8x8 grey images: class k is bright in band k.
func bandDataset(classes: Int = 3, perClass: Int = 12, testPerClass: Int = 10, seed: UInt64 = 1) throws -> Dataset {
    func split(_ n: Int, _ seed: UInt64) throws -> DatasetSplit {
        var rng = SeededRNG(seed: seed)
        var d = [Float](), labels = [Int]()
        for i in 0..<(n * classes) {
            let c = i % classes
            labels.append(c)
            for y in 0..<8 {
                for _ in 0..<8 { d.append((y * classes / 8 == c ? 1.5 : -0.5) + 0.4 * rng.nextNormal()) }
            }
        }
        return try DatasetSplit(images: Tensor(unchecked: [n * classes, 1, 8, 8], data: d), labels: labels, classCount: classes)
    }
    return try Dataset(name: "bands", classNames: (0..<classes).map { "band\($0)" },
                       normalization: Normalization(mean: [0.5], std: [0.25]),
                       train: split(perClass, seed), test: split(testPerClass, seed + 100),
                       provenance: DatasetProvenance(source: "test", root: "", transform: "none"))
}
