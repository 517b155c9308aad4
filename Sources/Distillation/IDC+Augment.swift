// IDC's differentiable augmentation rule (reference augment.py `DiffAug`), built from the DSA
// transforms: flip, colour and cutout are applied whenever listed, one of the remaining ops
// (crop, scale, rotate) is drawn per call. Magnitudes are DSA's. DSA's own rule is in DSA.swift.
import Autograd
import TensorCore

/// IDC's augmentation: order flip → colour → one drawn op → cutout.
///
///     let aug = try IDCAugment(strategy: "color_crop_cutout")
///     let both = try aug.apply(Variable.concat([real, syn], axis: 0), shared: true, rng: &rng)
public struct IDCAugment: Codable, Equatable, Sendable {
    public var flip = false, color = false, cutout = false
    /// Ops of which one is drawn per call.
    public var drawn: [DSA.Op] = []

    public init(strategy: String) throws {
        let all = try DSA(strategy: strategy).ops
        for op in all {
            switch op {
            case .flip: flip = true
            case .color: color = true
            case .cutout: cutout = true
            default: drawn.append(op)
            }
        }
    }

    public var strategy: String {
        let ops = (flip ? [DSA.Op.flip] : []) + (color ? [.color] : []) + drawn + (cutout ? [.cutout] : [])
        return ops.isEmpty ? "none" : ops.map(\.rawValue).joined(separator: "_")
    }

    /// Augments x [n, c, h, w]; `shared` draws one set of parameters for the whole batch (the
    /// reference's `batch=True`, used for matching), otherwise one per image.
    public func apply(_ x: Variable, shared: Bool, rng: inout SeededRNG) throws -> Variable {
        var y = x
        if flip { y = try (try DSA.single(.flip)).apply(y, rng: &rng, shared: shared) }
        if color { y = try (try DSA.single(.color)).apply(y, rng: &rng, shared: shared) }
        if !drawn.isEmpty {
            let op = drawn[rng.nextInt(below: drawn.count)]
            y = try (try DSA.single(op)).apply(y, rng: &rng, shared: shared)
        }
        if cutout { y = try (try DSA.single(.cutout)).apply(y, rng: &rng, shared: shared) }
        return y
    }

    /// The same, on a plain tensor and without recording gradients (network training).
    public func apply(_ x: Tensor, shared: Bool, rng: inout SeededRNG) throws -> Tensor {
        try GradMode.withoutGrad { try apply(Variable(x), shared: shared, rng: &rng).value }
    }
}

extension DSA {
    /// A DSA that applies exactly one op family.
    static func single(_ op: Op) throws -> DSA {
        var d = try DSA(strategy: "none")
        d.ops = [op]
        return d
    }
}
