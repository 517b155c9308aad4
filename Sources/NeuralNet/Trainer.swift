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
    /// Whether a learning-rate drop starts a fresh optimiser, momentum and all (DC's
    /// `evaluate_synset` re-creates its SGD); false keeps the momentum (PyTorch's `MultiStepLR`,
    /// as IDC trains). Encoded only when false, so older configs read and compare the same.
    public var momentumRestarts = true

    /// The DC/DSA/DM evaluation recipe: SGD lr 0.01, momentum 0.9, weight decay 5e-4, batch 256,
    /// lr ×0.1 from epoch E/2 + 1 on.
    public static func evaluation(epochs: Int, learningRate: Float = 0.01) -> TrainConfig {
        TrainConfig(epochs: epochs, learningRate: learningRate, momentum: 0.9, weightDecay: 5e-4, batchSize: 256,
                    schedule: .multiStep(milestones: [epochs / 2 + 1], factor: 0.1))
    }

    /// The reference's `evaluate_synset` (DatasetCondensation utils.py:337-361) for an
    /// `epoch_eval_train` of `epochs`: it trains `epochs + 1` epochs (`range(Epoch+1)`) and
    /// multiplies the rate by 0.1 after epoch `epochs // 2 + 1` (counted from 0), so the epochs
    /// from `epochs // 2 + 2` on run at a tenth. SGD momentum 0.9, weight decay 5e-4, batch 256.
    public static func referenceEvaluation(epochs: Int, learningRate: Float = 0.01) -> TrainConfig {
        TrainConfig(epochs: epochs + 1, learningRate: learningRate, momentum: 0.9, weightDecay: 5e-4, batchSize: 256,
                    schedule: .multiStep(milestones: [epochs / 2 + 2], factor: 0.1))
    }

    public init(epochs: Int, learningRate: Float, momentum: Float = 0.9, weightDecay: Float = 5e-4, batchSize: Int = 256, schedule: LRSchedule = .constant) {
        self.epochs = epochs
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.batchSize = batchSize
        self.schedule = schedule
    }

    enum CodingKeys: String, CodingKey {
        case epochs, learningRate, momentum, weightDecay, batchSize, schedule, momentumRestarts
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epochs = try c.decode(Int.self, forKey: .epochs)
        learningRate = try c.decode(Float.self, forKey: .learningRate)
        momentum = try c.decode(Float.self, forKey: .momentum)
        weightDecay = try c.decode(Float.self, forKey: .weightDecay)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        schedule = try c.decode(LRSchedule.self, forKey: .schedule)
        momentumRestarts = try c.decodeIfPresent(Bool.self, forKey: .momentumRestarts) ?? true
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(epochs, forKey: .epochs)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encode(momentum, forKey: .momentum)
        try c.encode(weightDecay, forKey: .weightDecay)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(schedule, forKey: .schedule)
        if !momentumRestarts { try c.encode(false, forKey: .momentumRestarts) }
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

/// Mixes a batch of (augmented) images with its own labels (e.g. CutMix): nil to leave it, or
/// the mixed images, the labels of the images mixed in and the weight of the own labels; the
/// loss is then `ratio · CE(labels) + (1 − ratio) · CE(partners)`.
public typealias BatchMix = (Tensor, [Int], inout SeededRNG) throws -> (images: Tensor, partners: [Int], ratio: Float)?

public enum Trainer {
    /// Trains `model` in place on `images` [n, c, h, w] with `labels`.
    @discardableResult
    public static func train(
        _ model: Model, images: Tensor, labels: [Int], config: TrainConfig, rng: inout SeededRNG,
        augment: BatchAugment? = nil, mix: BatchMix? = nil, progress: ProgressSink = SilentProgress(), title: String = "train",
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
                // DC's reference re-creates the optimiser when the rate drops: momentum restarts.
                if config.momentumRestarts {
                    sgd = SGD(learningRate: rate, momentum: config.momentum, weightDecay: config.weightDecay)
                } else {
                    sgd.learningRate = rate
                }
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
                var mixed: (partners: [Int], ratio: Float)?
                if let mix, let m = try mix(x, y, &rng) {
                    x = m.images
                    mixed = (m.partners, m.ratio)
                }
                let params = model.parameterVariables()
                let logits = try model.forward(Variable(x), parameters: params, mode: .train)
                var loss = try logits.crossEntropy(labels: y)
                if let mixed {
                    loss = try loss * mixed.ratio + (try logits.crossEntropy(labels: mixed.partners)) * (1 - mixed.ratio)
                }
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
