// Log-softmax, cross-entropy with integer labels and mean squared error, composed from
// differentiable ops (so their second derivatives are exact).
import TensorCore

extension Variable {
    /// log(softmax(x)) along `axis`, shifted by the (constant) maximum for stability.
    public func logSoftmax(axis: Int = -1) throws -> Variable {
        let m = Variable(try value.max(axes: [axis], keepDims: true))
        let shifted = try self - m
        let lse = try shifted.exp().sum(axes: [axis], keepDims: true).log()
        return try shifted - lse
    }

    public func softmax(axis: Int = -1) throws -> Variable {
        try logSoftmax(axis: axis).exp()
    }

    /// Mean cross-entropy of logits [n, classes] against integer labels.
    public func crossEntropy(labels: [Int]) throws -> Variable {
        guard rank == 2 else { throw TensorError("cross_entropy: logits must be [n, classes], got \(shape.shapeText)") }
        guard labels.count == shape[0] else {
            throw TensorError("cross_entropy: \(labels.count) labels for \(shape[0]) rows of logits")
        }
        let onehot = try Tensor.oneHot(labels, classes: shape[1])
        let picked = try (logSoftmax(axis: 1) * Variable(onehot)).sum()
        return picked * (-1 / Float(Swift.max(labels.count, 1)))
    }

    /// Mean cross-entropy against soft targets (rows of probabilities).
    public func crossEntropy(softTargets: Tensor) throws -> Variable {
        guard softTargets.shape == shape, rank == 2 else {
            throw TensorError("cross_entropy: targets \(softTargets.shape.shapeText) must match logits \(shape.shapeText)")
        }
        return try (logSoftmax(axis: 1) * Variable(softTargets)).sum() * (-1 / Float(Swift.max(shape[0], 1)))
    }

    /// Mean of squared differences.
    public func mse(_ target: Variable) throws -> Variable {
        let d = try self - target
        return try (d * d).mean()
    }
}
