// DD's real batches on CIFAR-10 come through the reference's train transform
// (dataset-distillation datasets/__init__.py:139-146): Pad(4, reflect), RandomCrop(32),
// RandomHorizontalFlip, per image. The images are already normalised here; padding by
// reflection and cropping commute with the per-channel normalisation, so the result is the same.
import TensorCore

/// How DD augments each real batch before judging the unrolled steps on it.
public enum RealAugment: String, Codable, Sendable, CaseIterable {
    /// No augmentation (the reference's MNIST transform).
    case none
    /// Reflect-pad 4, random crop back to the size, horizontal flip with probability 0.5.
    case cropFlip = "crop_flip"
}

extension DD {
    /// `images` [N, C, H, W] each reflect-padded by `pad`, cropped at a random offset in
    /// [0, 2·pad]² back to H × W, and flipped left–right with probability 0.5. Draws, per image:
    /// the row offset, the column offset, then the flip.
    static func reflectCropFlip(_ images: Tensor, pad: Int, rng: inout SeededRNG) -> Tensor {
        let (n, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        guard pad < h, pad < w else { return images }
        // Reflection without repeating the edge (numpy/PyTorch "reflect"): -1 -> 1, h -> h - 2.
        func reflect(_ i: Int, _ size: Int) -> Int { i < 0 ? -i : (i >= size ? 2 * (size - 1) - i : i) }
        var out = [Float](repeating: 0, count: images.count)
        let src = images.data
        for k in 0..<n {
            let dy = rng.nextInt(below: 2 * pad + 1) - pad, dx = rng.nextInt(below: 2 * pad + 1) - pad
            let flip = rng.nextFloat() < 0.5
            for ch in 0..<c {
                let base = (k * c + ch) * h * w
                for y in 0..<h {
                    let sy = reflect(y + dy, h)
                    for x in 0..<w {
                        let sx = reflect((flip ? w - 1 - x : x) + dx, w)
                        out[base + y * w + x] = src[base + sy * w + sx]
                    }
                }
            }
        }
        return Tensor(unchecked: images.shape, data: out)
    }
}
