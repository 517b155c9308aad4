// Optimisers on lists of tensors (SGD with momentum and weight decay, Adam) and learning-rate
// schedules, with PyTorch's update rules so published hyper-parameters carry over.
import TensorCore

/// Learning rate as a function of the epoch.
public enum LRSchedule: Codable, Equatable, Sendable {
    case constant
    /// Multiply by `factor` at each listed epoch (DC/DM: ×0.1 at half; IDC: ×0.2 at 2/3 and 5/6).
    case multiStep(milestones: [Int], factor: Float)

    public func rate(base: Float, epoch: Int) -> Float {
        switch self {
        case .constant: return base
        case let .multiStep(milestones, factor):
            return base * milestones.filter { epoch >= $0 }.reduce(Float(1)) { acc, _ in acc * factor }
        }
    }
}

/// SGD as PyTorch: d = g + wd·p; buf = μ·buf + d (buf = d on the first step); p -= lr·buf.
public struct SGD: Sendable {
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    public private(set) var velocity: [Tensor]?

    public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    /// Momentum buffers, for checkpoints.
    public mutating func restore(velocity: [Tensor]?) { self.velocity = velocity }

    public mutating func step(_ params: inout [Tensor], _ grads: [Tensor]) throws {
        guard params.count == grads.count else { throw TensorError("sgd: \(grads.count) gradients for \(params.count) parameters") }
        var vel = velocity ?? []
        let first = velocity == nil
        for i in params.indices {
            guard params[i].shape == grads[i].shape else {
                throw TensorError("sgd: gradient \(grads[i].shape.shapeText) for parameter \(params[i].shape.shapeText)")
            }
            let (lr, mu, wd) = (learningRate, momentum, weightDecay)
            if mu == 0 {
                params[i].withUnsafeMutableValues { p in
                    grads[i].data.withUnsafeBufferPointer { g in
                        for j in p.indices { p[j] -= lr * (g[j] + wd * p[j]) }
                    }
                }
                continue
            }
            if first { vel.append(Tensor.zeros(like: params[i])) }
            guard i < vel.count, vel[i].shape == params[i].shape else {
                throw TensorError("sgd: momentum buffer \(i < vel.count ? vel[i].shape.shapeText : "missing") for parameter \(params[i].shape.shapeText)")
            }
            params[i].withUnsafeMutableValues { p in
                grads[i].data.withUnsafeBufferPointer { g in
                    vel[i].withUnsafeMutableValues { v in
                        for j in p.indices {
                            let d = g[j] + wd * p[j]
                            v[j] = first ? d : mu * v[j] + d
                            p[j] -= lr * v[j]
                        }
                    }
                }
            }
        }
        if momentum != 0 { velocity = vel }
    }
}

/// Adam (Kingma & Ba) with PyTorch's bias correction and optional L2 weight decay.
public struct Adam: Sendable {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    public private(set) var step = 0
    public private(set) var m: [Tensor] = []
    public private(set) var v: [Tensor] = []

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public mutating func restore(step: Int, m: [Tensor], v: [Tensor]) {
        self.step = step; self.m = m; self.v = v
    }

    public mutating func step(_ params: inout [Tensor], _ grads: [Tensor]) throws {
        guard params.count == grads.count else { throw TensorError("adam: \(grads.count) gradients for \(params.count) parameters") }
        if m.isEmpty {
            m = params.map { Tensor.zeros(like: $0) }
            v = params.map { Tensor.zeros(like: $0) }
        }
        step += 1
        let bc1 = 1 - Float(pow(Double(beta1), Double(step)))
        let bc2 = 1 - Float(pow(Double(beta2), Double(step)))
        for i in params.indices {
            guard params[i].shape == grads[i].shape else {
                throw TensorError("adam: gradient \(grads[i].shape.shapeText) for parameter \(params[i].shape.shapeText)")
            }
            guard i < m.count, i < v.count, m[i].shape == params[i].shape, v[i].shape == params[i].shape else {
                throw TensorError("adam: moment buffers do not match parameter \(i) of shape \(params[i].shape.shapeText)")
            }
            let (b1, b2, lr, eps, wd) = (beta1, beta2, learningRate, epsilon, weightDecay)
            params[i].withUnsafeMutableValues { p in
                grads[i].data.withUnsafeBufferPointer { gs in
                    m[i].withUnsafeMutableValues { ms in
                        v[i].withUnsafeMutableValues { vs in
                            for j in p.indices {
                                let g = gs[j] + wd * p[j]
                                ms[j] = b1 * ms[j] + (1 - b1) * g
                                vs[j] = b2 * vs[j] + (1 - b2) * g * g
                                let mh = ms[j] / bc1, vh = vs[j] / bc2
                                p[j] -= lr * mh / (vh.squareRoot() + eps)
                            }
                        }
                    }
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
