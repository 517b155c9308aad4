// Softmax, log-softmax and cross-entropy with integer labels, computed stably (max-shifted).
// These are the no-gradient versions; Autograd composes its own differentiable ones.

extension Tensor {
    /// log(softmax(x)) along `axis`.
    public func logSoftmax(axis: Int = -1) throws -> Tensor {
        let m = try max(axes: [axis], keepDims: true)
        let shifted = try self - m
        let lse = try shifted.exp().sum(axes: [axis], keepDims: true).log()
        return try shifted - lse
    }

    /// softmax(x) along `axis`.
    public func softmax(axis: Int = -1) throws -> Tensor {
        try logSoftmax(axis: axis).exp()
    }

    /// Mean negative log-likelihood of `labels` under logits [n, classes].
    public func crossEntropy(labels: [Int]) throws -> Float {
        guard rank == 2 else { throw TensorError("cross_entropy: logits must be [n, classes], got \(shape.shapeText)") }
        guard labels.count == shape[0] else {
            throw TensorError("cross_entropy: \(labels.count) labels for \(shape[0]) rows of logits")
        }
        let classes = shape[1]
        let lp = try logSoftmax(axis: 1)
        var total: Double = 0
        for (i, y) in labels.enumerated() {
            guard y >= 0 && y < classes else {
                throw TensorError("cross_entropy: label \(y) is out of range for \(classes) classes")
            }
            total -= Double(lp.data[i * classes + y])
        }
        return Float(total / Double(Swift.max(labels.count, 1)))
    }

    /// One-hot rows [labels.count, classes].
    public static func oneHot(_ labels: [Int], classes: Int) throws -> Tensor {
        try checkShape([labels.count, classes], op: "one_hot")
        var d = [Float](repeating: 0, count: labels.count * classes)
        for (i, y) in labels.enumerated() {
            guard y >= 0 && y < classes else { throw TensorError("one_hot: label \(y) is out of range for \(classes) classes") }
            d[i * classes + y] = 1
        }
        return Tensor(unchecked: [labels.count, classes], data: d)
    }
}
