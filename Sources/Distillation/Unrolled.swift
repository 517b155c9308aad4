// Differentiating a loss through N unrolled gradient-descent steps on network parameters (MTT,
// DD): the plain way keeps the whole graph; the checkpointed way keeps only each step's start
// parameters and recomputes one step at a time in backward. Methods supply the step and the loss.
import Autograd
import NeuralNet
import TensorCore

/// Gradients of a loss of θ_N, where θ_{k+1} = step(θ_k, k, learnable), with respect to the
/// learnable tensors (images, step sizes), through every step.
///
///     let r = try Unrolled.gradient(start: net.parameters, steps: 3, learnable: [images, lr],
///                                   memory: .checkpointed,
///                                   step: { θ, k, l in try Unrolled.sgdStep(net, θ, images: l[0], labels: y, lr: l[1]) },
///                                   loss: { θ in try distance(θ) })
public enum Unrolled {
    /// How the unrolled graph is kept for backward.
    public enum Memory: String, Codable, Sendable, CaseIterable {
        /// The whole graph of all steps lives until backward (fastest, memory grows with steps).
        case plain
        /// Only θ_k of every step is kept; backward recomputes each step's graph in turn
        /// (one more forward per step, memory of one step).
        case checkpointed
    }

    /// θ_k (as Variables that require gradients), the step index k and the learnable leaves
    /// give θ_{k+1}. Must be deterministic in its arguments (draw random choices beforehand).
    public typealias Step = (_ parameters: [Variable], _ k: Int, _ learnable: [Variable]) throws -> [Variable]

    /// The result: loss value, final parameters and one gradient per learnable tensor.
    public struct Result {
        public var loss: Float
        public var final: [Tensor]
        public var gradients: [Tensor]
    }

    /// Runs `steps` steps from `start` and differentiates `loss(θ_N)` with respect to `learnable`.
    /// `progress(done)` is called as the work advances, up to 2 · steps (forward steps, then
    /// backward steps; plain memory reports the whole backward at once).
    public static func gradient(start: [Tensor], steps: Int, learnable: [Tensor], memory: Memory,
                                step: Step, loss: ([Variable]) throws -> Variable,
                                progress: ((Int) -> Void)? = nil) throws -> Result {
        try gradient(start: start, steps: steps, learnable: learnable, memory: memory, step: step,
                     parts: 1, loss: { theta, _ in try loss(theta) }, progress: progress)
    }

    /// The same for a loss that is the sum of `parts` terms, `loss(θ_N, i)` for i in 0..<parts
    /// (a real batch split into chunks). Checkpointed memory builds and frees one term's graph
    /// at a time, so a large batch costs the memory of one chunk; plain memory sums the terms.
    public static func gradient(start: [Tensor], steps: Int, learnable: [Tensor], memory: Memory,
                                step: Step, parts: Int, loss: ([Variable], Int) throws -> Variable,
                                progress: ((Int) -> Void)? = nil) throws -> Result {
        guard steps >= 0 else { throw TensorError("unrolled: steps must be >= 0, got \(steps)") }
        guard parts >= 1 else { throw TensorError("unrolled: the loss needs at least one part, got \(parts)") }
        switch memory {
        case .plain:
            return try plain(start: start, steps: steps, learnable: learnable, step: step, progress: progress) { theta in
                var total = try loss(theta, 0)
                for i in 1..<parts { total = try total + loss(theta, i) }
                return total
            }
        case .checkpointed:
            return try checkpointed(start: start, steps: steps, learnable: learnable, step: step, parts: parts, loss: loss,
                                    progress: progress)
        }
    }

    static func plain(start: [Tensor], steps: Int, learnable: [Tensor], step: Step,
                      progress: ((Int) -> Void)?, loss: ([Variable]) throws -> Variable) throws -> Result {
        let leaves = learnable.map { Variable($0, requiresGrad: true) }
        var theta = start.map { Variable($0, requiresGrad: true) }
        for k in 0..<steps {
            theta = try step(theta, k, leaves)
            progress?(k + 1)
        }
        let l = try loss(theta)
        let g = try gradients(of: l, wrt: leaves)
        progress?(2 * steps)
        return Result(loss: l.value.data[0], final: theta.map(\.value), gradients: g.map(\.value))
    }

    static func checkpointed(start: [Tensor], steps: Int, learnable: [Tensor], step: Step, parts: Int,
                             loss: ([Variable], Int) throws -> Variable, progress: ((Int) -> Void)?) throws -> Result {
        // Forward: keep only the parameters each step starts from.
        var saved: [[Tensor]] = [start]
        saved.reserveCapacity(steps + 1)
        for k in 0..<steps {
            let theta = saved[k].map { Variable($0, requiresGrad: true) }
            let leaves = learnable.map { Variable($0, requiresGrad: true) }
            saved.append(try step(theta, k, leaves).map(\.value))
            progress?(k + 1)
        }
        let final = saved[steps].map { Variable($0, requiresGrad: true) }
        // The loss's gradient at θ_N, one part's graph at a time.
        var value: Float = 0
        var adjoint: [Tensor] = []
        for i in 0..<parts {
            let l = try loss(final, i)
            value += l.value.data[0]
            let g = try gradients(of: l, wrt: final).map(\.value)
            adjoint = adjoint.isEmpty ? g : try zip(adjoint, g).map { try $0 + $1 }
        }
        var total = learnable.map { Tensor.zeros(like: $0) }
        // Backward: rebuild one step's graph at a time and pull the adjoint through it.
        for k in stride(from: steps - 1, through: 0, by: -1) {
            let theta = saved[k].map { Variable($0, requiresGrad: true) }
            let leaves = learnable.map { Variable($0, requiresGrad: true) }
            let next = try step(theta, k, leaves)
            var inner: Variable?
            for (p, a) in zip(next, adjoint) {
                let term = try (p * Variable(a)).sum()
                inner = try inner.map { try $0 + term } ?? term
            }
            guard let inner else { break }
            let g = try gradients(of: inner, wrt: theta + leaves)
            adjoint = g[0..<theta.count].map(\.value)
            for i in total.indices { total[i] = try total[i] + g[theta.count + i].value }
            saved[k + 1] = []
            progress?(2 * steps - k)
        }
        return Result(loss: value, final: final.map(\.value), gradients: total)
    }

    /// One plain gradient-descent step on the cross-entropy of `model` at θ on (images, labels):
    /// θ - lr · ∇θ, with the gradient kept differentiable. `lr` is a one-element Variable.
    public static func sgdStep(_ model: Model, _ theta: [Variable], images: Variable, labels: [Int], lr: Variable) throws -> [Variable] {
        let logits = try model.forward(images, parameters: theta, mode: .train)
        let l = try logits.crossEntropy(labels: labels)
        let g = try gradients(of: l, wrt: theta, createGraph: true)
        return try zip(theta, g).map { p, gp in try p - gp * lr }
    }

    /// Σ‖a_i − b_i‖² over a parameter list, as a Variable of a (b is constant).
    public static func squaredDistance(_ a: [Variable], _ b: [Tensor]) throws -> Variable {
        var total: Variable?
        for (x, t) in zip(a, b) {
            let d = try x - Variable(t)
            let s = try (d * d).sum()
            total = try total.map { try $0 + s } ?? s
        }
        return total ?? Variable(Tensor(unchecked: [], data: [0]))
    }
}
