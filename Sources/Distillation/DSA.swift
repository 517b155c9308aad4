// DSA: Zhao & Bilen, "Dataset Condensation with Differentiable Siamese Augmentation", ICML 2021.
// Differentiable colour, crop, cutout, flip, scale and rotate transforms with the reference
// magnitudes; Siamese mode draws one set of parameters from a seed for a real and a synthetic batch.
import Autograd
import Datasets
import TensorCore
import Foundation

/// Differentiable Siamese augmentation.
///
///     let dsa = try DSA(strategy: "color_crop_cutout_flip_scale_rotate")
///     let seed = rng.next()
///     let a = try dsa.apply(real, seed: seed)      // same transform ...
///     let b = try dsa.apply(syn, seed: seed)       // ... on both batches
public struct DSA: Codable, Equatable, Sendable {
    /// One family of transforms; a call draws one family uniformly and applies all its ops.
    public enum Op: String, Codable, CaseIterable, Sendable {
        case color, crop, cutout, flip, scale, rotate
    }

    public var ops: [Op]
    /// Reference magnitudes (DatasetCondensation `ParamDiffAug`).
    public var brightness: Float = 1.0
    public var saturation: Float = 2.0
    public var contrast: Float = 0.5
    public var cropRatio: Float = 0.125
    public var cutoutRatio: Float = 0.5
    public var flipProbability: Float = 0.5
    public var scaleRatio: Float = 1.2
    public var rotateDegrees: Float = 15.0

    /// The DSA default for Fashion-MNIST, CIFAR-10/100; digits use `digitsStrategy` (no flip).
    public static let defaultStrategy = "color_crop_cutout_flip_scale_rotate"
    public static let digitsStrategy = "color_crop_cutout_scale_rotate"

    /// Parses a strategy such as `color_crop_cutout_flip_scale_rotate` (`none` gives no ops).
    public init(strategy: String) throws {
        if strategy.isEmpty || strategy.lowercased() == "none" {
            ops = []
            return
        }
        ops = try strategy.split(separator: "_").map { token in
            guard let op = Op(rawValue: String(token)) else {
                throw TensorError("dsa: unknown transform '\(token)' in strategy '\(strategy)' (expected one of: \(Op.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return op
        }
    }

    public var strategy: String { ops.isEmpty ? "none" : ops.map(\.rawValue).joined(separator: "_") }

    /// Augments x [n, c, h, w]. With `seed`, the batch shares one parameter draw made from the
    /// seed (Siamese mode: the same seed gives the same transform for any batch); without, every
    /// image gets its own parameters from `rng`.
    public func apply(_ x: Variable, seed: UInt64) throws -> Variable {
        var rng = SeededRNG(seed: seed)
        return try apply(x, rng: &rng, shared: true)
    }

    /// Per-image random parameters drawn from `rng` (training-time augmentation).
    public func apply(_ x: Variable, rng: inout SeededRNG) throws -> Variable {
        try apply(x, rng: &rng, shared: false)
    }

    /// The op family a call with this seed applies (for tests and logs).
    public func drawnOp(seed: UInt64) -> Op? {
        guard !ops.isEmpty else { return nil }
        var rng = SeededRNG(seed: seed)
        return ops[rng.nextInt(below: ops.count)]
    }

    func apply(_ x: Variable, rng: inout SeededRNG, shared: Bool) throws -> Variable {
        guard x.rank == 4 else { throw TensorError("dsa: images must be [n, c, h, w], got \(x.shape.shapeText)") }
        guard !ops.isEmpty, x.shape[0] > 0 else { return x }
        let op = ops[rng.nextInt(below: ops.count)]
        let n = x.shape[0]
        // One uniform draw per image, or one for the whole batch in Siamese mode.
        func uniforms() -> [Float] {
            if shared { let u = rng.nextFloat(); return [Float](repeating: u, count: n) }
            return (0..<n).map { _ in rng.nextFloat() }
        }
        func ints(_ lo: Int, _ hi: Int) -> [Int] {  // inclusive range
            if shared { let v = lo + rng.nextInt(below: hi - lo + 1); return [Int](repeating: v, count: n) }
            return (0..<n).map { _ in lo + rng.nextInt(below: hi - lo + 1) }
        }
        func perImage(_ v: [Float]) -> Tensor { Tensor(unchecked: [n, 1, 1, 1], data: v) }

        switch op {
        case .color:
            var y = try x + Variable(perImage(uniforms().map { ($0 - 0.5) * brightness }))
            let cm = try y.mean(axes: [1], keepDims: true)
            y = try (y - cm) * Variable(perImage(uniforms().map { $0 * saturation })) + cm
            let im = try y.mean(axes: [1, 2, 3], keepDims: true)
            y = try (y - im) * Variable(perImage(uniforms().map { $0 + contrast })) + im
            return y
        case .crop:
            let sy = Int(Float(x.shape[2]) * cropRatio + 0.5), sx = Int(Float(x.shape[3]) * cropRatio + 0.5)
            let ty = ints(-sy, sy), tx = ints(-sx, sx)
            return try x.translated(dy: ty, dx: tx)
        case .cutout:
            let (h, w) = (x.shape[2], x.shape[3])
            let ch = Int(Float(h) * cutoutRatio + 0.5), cw = Int(Float(w) * cutoutRatio + 0.5)
            let oy = ints(0, h - (ch % 2 == 0 ? 0 : 1)), ox = ints(0, w - (cw % 2 == 0 ? 0 : 1))
            var mask = [Float](repeating: 1, count: n * h * w)
            for i in 0..<n {
                for dy in 0..<ch {
                    let yy = Swift.min(Swift.max(oy[i] + dy - ch / 2, 0), h - 1)
                    for dx in 0..<cw {
                        let xx = Swift.min(Swift.max(ox[i] + dx - cw / 2, 0), w - 1)
                        mask[(i * h + yy) * w + xx] = 0
                    }
                }
            }
            return try x * Variable(Tensor(unchecked: [n, 1, h, w], data: mask))
        case .flip:
            return try x.flippedHorizontally(uniforms().map { $0 < flipProbability })
        case .scale:
            let lo = 1 / scaleRatio
            let sx = uniforms().map { $0 * (scaleRatio - lo) + lo }
            let sy = uniforms().map { $0 * (scaleRatio - lo) + lo }
            var theta = [Float]()
            for i in 0..<n { theta += [sx[i], 0, 0, 0, sy[i], 0] }
            return try x.affineGridSample(theta: Tensor(unchecked: [n, 2, 3], data: theta))
        case .rotate:
            let angles = uniforms().map { ($0 - 0.5) * 2 * rotateDegrees / 180 * Float.pi }
            var theta = [Float]()
            for a in angles { theta += [Foundation.cos(a), -Foundation.sin(a), 0, Foundation.sin(a), Foundation.cos(a), 0] }
            return try x.affineGridSample(theta: Tensor(unchecked: [n, 2, 3], data: theta))
        }
    }
}

extension DSA {
    /// The papers' strategy for a data set: color_crop_cutout_flip_scale_rotate, without flips
    /// on digits (a flipped digit is another digit or none).
    public static func paperStrategy(for data: Dataset) -> String { data.isDigits ? digitsStrategy : defaultStrategy }

    /// A strategy argument, "dsa" read as the papers' strategy for `data`.
    public static func strategy(named text: String, for data: Dataset) -> String {
        text.lowercased() == "dsa" ? paperStrategy(for: data) : text.lowercased()
    }
}

extension MethodParameter {
    /// `aug=`: a DSA strategy, "dsa" for the papers' strategy for the data set, or "none".
    public static func augmentation(_ path: WritableKeyPath<Config, String>) -> Self {
        Self("aug", .text, help: "chooses the DSA augmentation (\"dsa\", \"none\" or a strategy)") { c, v, context in
            let strategy = DSA.strategy(named: try v.text("aug"), for: context.data)
            _ = try DSA(strategy: strategy)
            c[keyPath: path] = strategy
        }
    }

    /// `aug=` for methods where "none" turns augmentation off (nil).
    public static func augmentation(_ path: WritableKeyPath<Config, String?>) -> Self {
        Self("aug", .text, help: "chooses the DSA augmentation (\"dsa\", \"none\" or a strategy)") { c, v, context in
            let strategy = DSA.strategy(named: try v.text("aug"), for: context.data)
            _ = try DSA(strategy: strategy)
            c[keyPath: path] = strategy == "none" ? nil : strategy
        }
    }
}
