// Training a model on labelled images, measuring accuracy, and the evaluation protocol every
// distillation method is judged with (REFERENCE.md §2.9). Data arrives as plain tensors and
// integer labels, so this file knows nothing of data-set files.
import Autograd
import TensorCore

/// Hyper-parameters of one training run.
public struct TrainConfig: Codable, Equatable, Sendable {
    public var epochs: Int
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    public var batchSize: Int
    public var schedule: LRSchedule

    /// The DC/DSA/DM evaluation recipe: SGD lr 0.01, momentum 0.9, weight decay 5e-4, batch 256,
    /// lr ×0.1 from epoch E/2 + 1 on.
    public static func evaluation(epochs: Int, learningRate: Float = 0.01) -> TrainConfig {
        TrainConfig(epochs: epochs, learningRate: learningRate, momentum: 0.9, weightDecay: 5e-4, batchSize: 256,
                    schedule: .multiStep(milestones: [epochs / 2 + 1], factor: 0.1))
    }

    public init(epochs: Int, learningRate: Float, momentum: Float = 0.9, weightDecay: Float = 5e-4, batchSize: Int = 256, schedule: LRSchedule = .constant) {
        self.epochs = epochs
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.batchSize = batchSize
        self.schedule = schedule
    }

    func validate() throws {
        guard epochs >= 0 else { throw TensorError("train: epochs must be >= 0, got \(epochs)") }
        guard batchSize >= 1 else { throw TensorError("train: batch size must be >= 1, got \(batchSize)") }
        guard learningRate.isFinite, learningRate > 0 else { throw TensorError("train: learning rate must be positive, got \(learningRate)") }
    }
}

/// Per-epoch figures of a training run.
public struct TrainHistory: Codable, Equatable, Sendable {
    public var loss: [Float] = []
    public var accuracy: [Float] = []
    /// True when Ctrl-C stopped the run early.
    public var interrupted = false
    /// Set when a batch loss became nan or infinite: training stopped there, since every later
    /// step would only spread the nans. `loss` and `accuracy` hold the epochs finished before.
    public var diverged: Divergence?
    public init() {}

    /// Where training diverged.
    public struct Divergence: Codable, Equatable, Sendable {
        /// The epoch (from 1) whose batch gave the non-finite loss.
        public var epoch: Int
        /// "nan", "inf" or "-inf" (text, so any JSON holds it).
        public var loss: String
        public init(epoch: Int, loss: Float) {
            self.epoch = epoch
            self.loss = loss.isNaN ? "nan" : (loss > 0 ? "inf" : "-inf")
        }
        /// "diverged at epoch 3 (loss nan)".
        public var description: String { "diverged at epoch \(epoch) (loss \(loss))" }
    }
}

/// Augments a batch of training images (e.g. DSA); gets a generator for its random choices.
public typealias BatchAugment = (Tensor, inout SeededRNG) throws -> Tensor

public enum Trainer {
    /// Trains `model` in place on `images` [n, c, h, w] with `labels`.
    @discardableResult
    public static func train(
        _ model: Model, images: Tensor, labels: [Int], config: TrainConfig, rng: inout SeededRNG,
        augment: BatchAugment? = nil, progress: ProgressSink = SilentProgress(), title: String = "train",
        hook: TrainHook? = nil
    ) throws -> TrainHistory {
        try config.validate()
        try checkLabelled(images, labels, classes: model.classes, op: "train")
        // Checked before the first step: SGD holds weights, gradients, momentum and the
        // update's temporaries, about four copies of the parameters.
        try Model.checkParameterMemory(model.layers, name: "train: \(model.name)", copies: 4,
                                       purpose: ", held about 4 times over (weights, gradients, momentum, update),")
        let n = labels.count
        var history = TrainHistory()
        var sgd = SGD(learningRate: config.learningRate, momentum: config.momentum, weightDecay: config.weightDecay)
        var lastRate = config.learningRate
        let start = hook?.resume?.epoch ?? 0
        try hook?.resume?.restore(into: model, sgd: &sgd, rate: &lastRate, history: &history, rng: &rng, config: config)
        // Progress counts batches when an epoch has several (a whole-data-set epoch takes
        // minutes on a CPU), epochs otherwise.
        let batches = (n + config.batchSize - 1) / config.batchSize
        let perBatch = batches > 1
        progress.begin(start > 0 ? "\(title) (resumed from epoch \(start))" : title,
                       total: perBatch ? config.epochs * batches : config.epochs)
        defer { progress.end(interrupted: history.interrupted) }
        for epoch in start..<config.epochs {
            let rate = config.schedule.rate(base: config.learningRate, epoch: epoch)
            if rate != lastRate {
                // The reference re-creates the optimiser when the rate drops: momentum restarts.
                sgd = SGD(learningRate: rate, momentum: config.momentum, weightDecay: config.weightDecay)
                lastRate = rate
            }
            var order = Array(0..<n)
            order.shuffle(using: &rng)
            var lossSum = 0.0, correct = 0
            var start = 0
            batches: while start < n {
                let idx = Array(order[start..<Swift.min(n, start + config.batchSize)])
                start += config.batchSize
                var x = try images.indexSelect(idx)
                if let augment { x = try augment(x, &rng) }
                let y = idx.map { labels[$0] }
                let params = model.parameterVariables()
                let logits = try model.forward(Variable(x), parameters: params, mode: .train)
                let loss = try logits.crossEntropy(labels: y)
                guard loss.value.data[0].isFinite else {
                    history.diverged = TrainHistory.Divergence(epoch: epoch + 1, loss: loss.value.data[0])
                    break batches
                }
                let grads = try gradients(of: loss, wrt: params).map(\.value)
                try sgd.step(&model.parameters, grads)
                lossSum += Double(loss.value.data[0]) * Double(idx.count)
                correct += try countCorrect(logits.value, y)
                if perBatch {
                    let done = Swift.min(start, n)
                    progress.update(step: epoch * batches + (done + config.batchSize - 1) / config.batchSize,
                                    figures: [("epoch", Double(epoch + 1)), ("loss", lossSum / Double(done)),
                                              ("acc", Double(correct) / Double(done))])
                }
            }
            if history.diverged != nil { break }
            history.loss.append(Float(lossSum / Double(Swift.max(n, 1))))
            history.accuracy.append(Float(correct) / Float(Swift.max(n, 1)))
            if !perBatch {
                progress.update(step: epoch + 1, figures: [("loss", Double(history.loss.last!)), ("acc", Double(history.accuracy.last!))])
            }
            if let hook {
                try hook.afterEpoch(TrainState(epoch: epoch + 1, rng: rng, rate: lastRate, velocity: sgd.velocity,
                                               parameters: model.parameters, buffers: model.buffers, history: history),
                                    Interrupt.isRequested)
            }
            if Interrupt.isRequested { history.interrupted = true; break }
        }
        return history
    }

    /// Fraction of `images` the model classifies as `labels` (no gradients, eval-mode norms).
    public static func accuracy(_ model: Model, images: Tensor, labels: [Int], batchSize: Int = 500) throws -> Float {
        try checkLabelled(images, labels, classes: model.classes, op: "accuracy")
        // A score on no images is not 0 %: it is no score.
        guard !labels.isEmpty else { throw TensorError("accuracy: there are no images to measure on") }
        var correct = 0
        try GradMode.withoutGrad {
            var start = 0
            while start < labels.count {
                let end = Swift.min(labels.count, start + batchSize)
                let x = try images.slice(axis: 0, start..<end)
                let logits = try model.forward(Variable(x), mode: .eval)
                correct += try countCorrect(logits.value, Array(labels[start..<end]))
                start = end
            }
        }
        return Float(correct) / Float(labels.count)
    }

    static func countCorrect(_ logits: Tensor, _ labels: [Int]) throws -> Int {
        let pred = try logits.argmax(axis: 1).data
        return zip(pred, labels).filter { Int($0) == $1 }.count
    }

    static func checkLabelled(_ images: Tensor, _ labels: [Int], classes: Int, op: String) throws {
        guard images.rank == 4 else { throw TensorError("\(op): images must be [n, c, h, w], got \(images.shape.shapeText)") }
        guard images.shape[0] == labels.count else {
            throw TensorError("\(op): \(images.shape[0]) images but \(labels.count) labels")
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
            throw TensorError("\(op): label \(bad) is out of range for \(classes) classes")
        }
    }
}
