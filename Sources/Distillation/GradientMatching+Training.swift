// Network updates inside gradient-matching loops: epochs of SGD on the synthetic set (DC/DSA
// inner loop) and SGD steps on real batches with CutMix (IDC/DREAM). No interrupt checks here:
// runs stop only between outer iterations, so a resumed run repeats exactly.
import Autograd
import NeuralNet
import TensorCore

extension GradientMatching {
    /// `epochs` passes over (images, labels) in shuffled mini-batches of `batchSize`, one SGD
    /// step per batch; `augment` is applied to every batch when given.
    static func trainOnSet(
        _ net: Model, images: Tensor, labels: [Int], epochs: Int, batchSize: Int,
        optimizer: inout SGD, augment: BatchAugment?, rng: inout SeededRNG
    ) throws {
        let n = labels.count
        for _ in 0..<epochs {
            var order = Array(0..<n)
            order.shuffle(using: &rng)
            var start = 0
            while start < n {
                let idx = Array(order[start..<Swift.min(n, start + batchSize)])
                start += batchSize
                try sgdStep(net, images: images.indexSelect(idx), labels: idx.map { labels[$0] },
                            optimizer: &optimizer, augment: augment, cutmixProbability: 0, rng: &rng)
            }
        }
    }

    /// One SGD step of `net` on a batch: optional per-image augmentation, then with probability
    /// `cutmixProbability` CutMix (IDC's `rand_bbox`: λ ~ Beta(1, 1), a box of side √(1−λ)
    /// pasted from a permuted batch, labels mixed by area). Returns the loss.
    @discardableResult
    static func sgdStep(
        _ net: Model, images: Tensor, labels: [Int], optimizer: inout SGD, augment: BatchAugment?,
        cutmixProbability: Float, rng: inout SeededRNG
    ) throws -> Float {
        var x = images
        if let augment { x = try augment(x, &rng) }
        var mixed: (labels: [Int], ratio: Float)?
        if cutmixProbability > 0, rng.nextFloat() < cutmixProbability {
            let (pasted, permuted, ratio) = try cutMix(x, labels: labels, rng: &rng)
            x = pasted
            mixed = (permuted, ratio)
        }
        let params = net.parameterVariables()
        let logits = try net.forward(Variable(x), parameters: params, mode: .train)
        var loss = try logits.crossEntropy(labels: labels)
        if let mixed {
            loss = try loss * mixed.ratio + (try logits.crossEntropy(labels: mixed.labels)) * (1 - mixed.ratio)
        }
        let grads = try gradients(of: loss, wrt: params).map(\.value)
        try optimizer.step(&net.parameters, grads)
        return loss.value.data[0]
    }

    /// CutMix on x [n, c, h, w]: returns the pasted batch, the labels of the pasted-from images
    /// and the fraction of each image left untouched.
    static func cutMix(_ x: Tensor, labels: [Int], rng: inout SeededRNG) throws -> (Tensor, [Int], Float) {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let lambda = rng.nextFloat()
        var perm = Array(0..<n)
        perm.shuffle(using: &rng)
        let cut = (1 - lambda).squareRoot()
        let cutH = Int(Float(h) * cut), cutW = Int(Float(w) * cut)
        let cy = rng.nextInt(below: h), cx = rng.nextInt(below: w)
        let y0 = Swift.min(Swift.max(cy - cutH / 2, 0), h), y1 = Swift.min(Swift.max(cy + cutH / 2, 0), h)
        let x0 = Swift.min(Swift.max(cx - cutW / 2, 0), w), x1 = Swift.min(Swift.max(cx + cutW / 2, 0), w)
        var out = x.data
        let src = x.data
        for i in 0..<n {
            for ch in 0..<c {
                let dst = (i * c + ch) * h * w, from = (perm[i] * c + ch) * h * w
                for yy in y0..<y1 {
                    for xx in x0..<x1 { out[dst + yy * w + xx] = src[from + yy * w + xx] }
                }
            }
        }
        let ratio = 1 - Float((y1 - y0) * (x1 - x0)) / Float(h * w)
        return (Tensor(unchecked: x.shape, data: out), perm.map { labels[$0] }, ratio)
    }
}

extension DSA {
    /// Per-image augmentation of a plain batch, recording no gradients (network training).
    var batchAugment: BatchAugment {
        { x, rng in try GradMode.withoutGrad { try self.apply(Variable(x), rng: &rng).value } }
    }
}
