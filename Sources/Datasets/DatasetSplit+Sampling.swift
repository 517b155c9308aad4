// Picking images out of a split: by index, seeded random draws of one class, seeded k-per-class
// subsets, and concatenation of splits. Every random choice comes from the caller's SeededRNG.
import Kernels
import TensorCore

extension DatasetSplit {
    /// The images [k, C, H, W] and labels at `indices` (in that order; repeats allowed).
    public func gather(_ indices: [Int]) throws -> (images: Tensor, labels: [Int]) {
        for i in indices where i < 0 || i >= count {
            throw DataError("gather: index \(i) is outside 0..<\(count)")
        }
        let size = imageShape.reduce(1, *)
        let src = images.data
        let data = [Float](unsafeUninitializedCapacity: indices.count * size) { out, written in
            src.withUnsafeBufferPointer { s in
                for (k, i) in indices.enumerated() {
                    (out.baseAddress! + k * size).initialize(from: s.baseAddress! + i * size, count: size)
                }
            }
            written = indices.count * size
        }
        return (Tensor(unchecked: [indices.count] + imageShape, data: data), indices.map { labels[$0] })
    }

    /// The split restricted to `indices` (in that order), with its own class index.
    public func selecting(_ indices: [Int]) throws -> DatasetSplit {
        let (x, y) = try gather(indices)
        return try DatasetSplit(images: x, labels: y, classCount: classCount)
    }

    /// `n` distinct indices of class `c` drawn at random from `rng` (a seeded permutation's
    /// first n, as the reference code's `np.random.permutation(indices_class[c])[:n]`).
    public func randomIndices(ofClass c: Int, count n: Int, rng: inout SeededRNG) throws -> [Int] {
        guard c >= 0 && c < classCount else {
            throw DataError("sample: class \(c) is outside 0..<\(classCount)")
        }
        let pool = classIndex[c]
        guard n >= 0 && n <= pool.count else {
            throw DataError("sample: asked for \(n) images of class \(c), but the split has \(pool.count)")
        }
        return Self.partialShuffle(pool, first: n, rng: &rng)
    }

    /// `n` distinct random images of class `c`, shape [n, C, H, W].
    public func sample(ofClass c: Int, count n: Int, rng: inout SeededRNG) throws -> Tensor {
        try gather(randomIndices(ofClass: c, count: n, rng: &rng)).images
    }

    /// Indices of `k` random images of every class, class by class (class 0's first).
    public func randomIndices(perClass k: Int, rng: inout SeededRNG) throws -> [Int] {
        var out = [Int]()
        out.reserveCapacity(k * classCount)
        for c in 0..<classCount {
            out += try randomIndices(ofClass: c, count: k, rng: &rng)
        }
        return out
    }

    /// A split of `k` random images per class, class by class.
    public func subset(perClass k: Int, rng: inout SeededRNG) throws -> DatasetSplit {
        try selecting(randomIndices(perClass: k, rng: &rng))
    }

    /// The splits one after another; they must agree on image shape and class count.
    public static func concatenated(_ parts: [DatasetSplit]) throws -> DatasetSplit {
        guard let first = parts.first else { throw DataError("concatenate: no splits given") }
        for (i, p) in parts.enumerated() {
            guard p.imageShape == first.imageShape else {
                throw DataError("concatenate: split \(i) has images \(p.imageShape.shapeText), split 0 has \(first.imageShape.shapeText)")
            }
            guard p.classCount == first.classCount else {
                throw DataError("concatenate: split \(i) has \(p.classCount) classes, split 0 has \(first.classCount)")
            }
        }
        var data = [Float]()
        data.reserveCapacity(parts.reduce(0) { $0 + $1.images.count })
        var labels = [Int]()
        for p in parts {
            data += p.images.data
            labels += p.labels
        }
        let images = Tensor(unchecked: [labels.count] + first.imageShape, data: data)
        return try DatasetSplit(images: images, labels: labels, classCount: first.classCount)
    }

    /// The first `n` entries of a Fisher-Yates shuffle of `pool` driven by `rng`.
    static func partialShuffle(_ pool: [Int], first n: Int, rng: inout SeededRNG) -> [Int] {
        var a = pool
        for i in 0..<n {
            let j = i + rng.nextInt(below: a.count - i)
            a.swapAt(i, j)
        }
        return Array(a.prefix(n))
    }
}
