// Gradient matching, the machinery DC, DSA, IDC and DREAM share: the distances between two
// lists of parameter gradients (with a plain Double twin for tests) and the per-class matching
// loss. The loops that use them live in DC.swift and IDC.swift.
import Autograd
import NeuralNet
import TensorCore

/// How the gradient of the loss on real images is compared with the gradient on synthetic ones.
public enum MatchingDistance: String, Codable, Sendable, CaseIterable {
    /// DC's layer-wise distance (`dis_metric='ours'`): each gradient reshaped to
    /// [out, rest]; Σ over rows of 1 − cos(real row, syn row), with 1e-6 added to the product of
    /// norms; tensors of rank 1 (biases, norm scales and shifts) contribute nothing.
    case ours
    /// Σ (g_syn − g_real)² over every element.
    case mse
    /// 1 − cos of the two gradients flattened and concatenated (1e-6 in the denominator).
    case cos
    /// Σ |g_syn − g_real| over every element (IDC on MNIST and Fashion-MNIST).
    case l1

    /// Parses a distance name (`ours`, `mse`, `cos`, `l1`).
    public init(name: String) throws {
        guard let d = MatchingDistance(rawValue: name.lowercased()) else {
            throw TensorError("matching: unknown distance '\(name)' (expected one of: \(MatchingDistance.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = d
    }

    /// The distance between `real` (constants) and `syn` (differentiable) over the parameters
    /// whose `include` flag is set. Throws when the lists disagree or nothing is included.
    public func callAsFunction(real: [Tensor], syn: [Variable], include: [Bool]) throws -> Variable {
        guard real.count == syn.count, include.count == real.count else {
            throw TensorError("matching: \(real.count) real gradients, \(syn.count) synthetic, \(include.count) flags")
        }
        var terms: [Variable] = []
        var dot: Variable?, synSquares: Variable?
        var realSquares: Float = 0
        for i in real.indices where include[i] {
            let r = real[i], s = syn[i]
            guard r.shape == s.shape else {
                throw TensorError("matching: gradient \(i) is \(r.shape.shapeText) for real images but \(s.shape.shapeText) for synthetic ones")
            }
            switch self {
            case .ours:
                guard r.rank >= 2 else { continue }
                let rows = r.shape[0]
                let rr = try r.reshaped([rows, -1]), ss = try s.reshape([rows, -1])
                let rowDot = try (Variable(rr) * ss).sum(axes: [1])
                let realNorm = try (rr * rr).sum(axes: [1]).sqrt()
                let synNorm = try Self.safeNorm(ss, axes: [1])
                let cosine = try rowDot / (synNorm * Variable(realNorm) + 1e-6)
                terms.append(try (1 - cosine).sum())
            case .mse:
                let d = try s - Variable(r)
                terms.append(try (d * d).sum())
            case .l1:
                terms.append(try (s - Variable(r)).abs().sum())
            case .cos:
                let flat = try s.reshape([-1]), rf = try r.reshaped([-1])
                let d = try (flat * Variable(rf)).sum()
                let q = try (flat * flat).sum()
                dot = try dot.map { try $0 + d } ?? d
                synSquares = try synSquares.map { try $0 + q } ?? q
                realSquares += try (rf * rf).sum().data[0]
            }
        }
        if self == .cos {
            guard let dot, let synSquares else { throw Self.nothingIncluded() }
            let denominator = (synSquares + 1e-30).sqrt() * realSquares.squareRoot() + 1e-6
            return 1 - (try dot / denominator)
        }
        guard var total = terms.first else { throw Self.nothingIncluded() }
        for t in terms.dropFirst() { total = try total + t }
        return total
    }

    /// The same distance in Double arithmetic on plain tensors: the reference twin for tests.
    public func reference(real: [Tensor], syn: [Tensor], include: [Bool]) -> Double {
        var total = 0.0, dot = 0.0, rr = 0.0, ss = 0.0
        for i in real.indices where include[i] {
            let r = real[i].data.map(Double.init), s = syn[i].data.map(Double.init)
            switch self {
            case .ours:
                guard real[i].rank >= 2 else { continue }
                let rows = real[i].shape[0], cols = r.count / rows
                for row in 0..<rows {
                    var d = 0.0, nr = 0.0, ns = 0.0
                    for k in (row * cols)..<((row + 1) * cols) {
                        d += r[k] * s[k]; nr += r[k] * r[k]; ns += s[k] * s[k]
                    }
                    total += 1 - d / (nr.squareRoot() * ns.squareRoot() + 1e-6)
                }
            case .mse: total += zip(r, s).reduce(0) { $0 + ($1.1 - $1.0) * ($1.1 - $1.0) }
            case .l1: total += zip(r, s).reduce(0) { $0 + Swift.abs($1.1 - $1.0) }
            case .cos:
                for (a, b) in zip(r, s) { dot += a * b; rr += a * a; ss += b * b }
            }
        }
        return self == .cos ? 1 - dot / (rr.squareRoot() * ss.squareRoot() + 1e-6) : total
    }

    /// √(Σ x²) whose gradient is 0 (not NaN) where the sum is exactly 0, as PyTorch's norm.
    static func safeNorm(_ x: Variable, axes: [Int]) throws -> Variable {
        try ((x * x).sum(axes: axes) + 1e-30).sqrt()
    }

    static func nothingIncluded() -> TensorError {
        TensorError("matching: no parameter gradients to compare (every parameter is excluded)")
    }
}

/// Gradients of the classification loss with respect to a network's parameters, and the
/// per-class matching loss built on them.
public enum GradientMatching {
    /// ∂CE/∂θ on (x, labels), detached: the real-image target of gradient matching.
    public static func parameterGradients(
        _ net: Model, _ params: [Variable], images x: Variable, labels: [Int], mode: BatchNormMode
    ) throws -> [Tensor] {
        let loss = try net.forward(x, parameters: params, mode: mode).crossEntropy(labels: labels)
        return try gradients(of: loss, wrt: params).map(\.value)
    }

    /// distance(∂CE/∂θ on synthetic x, `realGradients`), differentiable with respect to x (the
    /// synthetic gradients are taken with `createGraph`).
    public static func matchingLoss(
        _ net: Model, _ params: [Variable], realGradients: [Tensor], synthetic x: Variable, labels: [Int],
        mode: BatchNormMode, distance: MatchingDistance, include: [Bool]
    ) throws -> Variable {
        guard realGradients.count == params.count, include.count == params.count else {
            throw TensorError("matching: \(realGradients.count) real gradients and \(include.count) flags for \(params.count) parameters")
        }
        // Only the gradients the distance reads are built as graphs (`ours` ignores rank-1 ones).
        let used = params.indices.filter { include[$0] && (distance != .ours || params[$0].rank >= 2) }
        guard !used.isEmpty else { throw MatchingDistance.nothingIncluded() }
        let loss = try net.forward(x, parameters: params, mode: mode).crossEntropy(labels: labels)
        let g = try gradients(of: loss, wrt: used.map { params[$0] }, createGraph: true)
        return try distance(real: used.map { realGradients[$0] }, syn: g, include: [Bool](repeating: true, count: used.count))
    }

    /// Which parameters take part: all of them, or (IDC) only those of rank ≥ 3, i.e. without
    /// biases, norm parameters (rank 1) and fully connected weights (rank 2) unless asked for.
    public static func includedParameters(_ net: Model, bias: Bool = true, fullyConnected: Bool = true) -> [Bool] {
        net.parameters.map { p in
            if p.rank == 1 { return bias }
            if p.rank == 2 { return fullyConnected }
            return true
        }
    }
}
