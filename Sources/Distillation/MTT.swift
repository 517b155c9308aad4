// MTT: Cazenavette et al., "Dataset Distillation by Matching Training Trajectories", CVPR 2022
// (arXiv 2203.11932; reference distill.py). From an expert's snapshot, SGD steps on synthetic
// images with a learnable step size should land near the expert's later snapshot.
import Autograd
import Datasets
import NeuralNet
import TensorCore

/// MTT settings; defaults are the reference's CIFAR-10 IPC 10 row (REFERENCE.md §2.5);
/// `MTTConfig.reference(for:ipc:)` gives the per-setting table.
public struct MTTConfig: Codable, Equatable, Sendable {
    public var ipc: Int
    public var iterations: Int = 5000
    /// Student SGD steps per iteration, and how many expert epochs they should cover.
    public var synSteps: Int = 30
    public var expertEpochs: Int = 2
    /// Start snapshots are drawn from epochs 0 ..< maxStartEpoch.
    public var maxStartEpoch: Int = 20
    /// SGD (momentum 0.5) on the images and on the step size.
    public var lrImages: Float = 100
    public var lrLR: Float = 1e-5
    /// Initial learnable step size (`lr_teacher` of the authors' table; distill.py's `syn_lr`).
    public var lrTeacher: Float = 0.001
    public var momentum: Float = 0.5
    /// Synthetic images per student step (0: all of them).
    public var batchSyn: Int = 0
    public var initialization: SyntheticInit = .real
    public var dsa: String = DSA.defaultStrategy
    public var model: ModelSpec = .convNet3
    public var memory: Unrolled.Memory = .plain
    public var seed: UInt64 = 0

    public init(ipc: Int) { self.ipc = ipc }

    /// The per-setting hyper-parameters the MTT authors published (DC-BENCH table); whether
    /// the setting uses ZCA whitening is `zca`. Unknown settings get the CIFAR-10 IPC 10 row.
    public static func reference(for dataName: String, ipc: Int) -> (config: MTTConfig, zca: Bool) {
        var c = MTTConfig(ipc: ipc)
        let hundred = dataName.lowercased().contains("100")
        // (syn_steps, expert_epochs, max_start_epoch, lr_img, lr_lr, lr_teacher, zca, batch_syn)
        let row: (Int, Int, Int, Float, Float, Float, Bool, Int)
        switch (hundred, ipc) {
        case (false, 1): row = (50, 2, 2, 100, 1e-7, 0.01, true, 0)
        case (false, 50...): row = (30, 2, 40, 1000, 1e-5, 0.001, false, 0)
        case (false, _): row = (30, 2, 20, 100, 1e-5, 0.001, true, 0)
        case (true, 1): row = (20, 3, 20, 1000, 1e-5, 0.01, true, 0)
        case (true, 50...): row = (80, 2, 40, 1000, 1e-5, 0.01, true, 125)
        case (true, _): row = (20, 2, 20, 1000, 1e-5, 0.01, false, 0)
        }
        (c.synSteps, c.expertEpochs, c.maxStartEpoch, c.lrImages, c.lrLR, c.lrTeacher) = (row.0, row.1, row.2, row.3, row.4, row.5)
        c.batchSyn = row.7
        return (c, row.6)
    }

    func validate() throws {
        try DistillError.atLeast(ipc, 1, "ipc", method: "mtt")
        try DistillError.atLeast(iterations, 0, "iterations", method: "mtt")
        try DistillError.atLeast(synSteps, 1, "syn_steps", method: "mtt")
        try DistillError.atLeast(expertEpochs, 1, "expert_epochs", method: "mtt")
        try DistillError.atLeast(maxStartEpoch, 1, "max_start_epoch", method: "mtt")
        try DistillError.positive(lrImages, "lr", method: "mtt")
        try DistillError.positive(lrLR, "lr_lr", method: "mtt")
        try DistillError.positive(lrTeacher, "lr_teacher", method: "mtt")
        try DistillError.atLeast(batchSyn, 0, "batch_syn", method: "mtt")
        _ = try DSA(strategy: dsa)
    }
}

extension MTTConfig: MethodConfig {}

public enum MTT {
    /// Distils `data.train` into `ipc` images per class by matching `experts`' trajectories
    /// (`MethodRun` of `MTTMethod`).
    public static func run(_ data: Dataset, experts: Experts, config: MTTConfig, checkpoint: Checkpoint? = nil,
                           control: RunControl = RunControl(),
                           progress: ProgressSink = SilentProgress()) throws -> SyntheticSet {
        let inputs = MethodInputs(experts: experts)
        try MTTMethod.validate(config, data: data, inputs: inputs)
        let method = try MTTMethod(data: data, config: config, inputs: inputs)
        return try MethodRun(method: method, data: data, config: config, checkpoint: checkpoint, control: control, progress: progress).run()
    }

    /// The experts must be for this data set's shapes and this architecture, and long enough.
    static func check(_ experts: Experts, fit data: Dataset, config: MTTConfig) throws {
        guard experts.imageShape == data.imageShape, experts.classes == data.classCount else {
            throw DistillError(.data, "mtt: the experts were trained on \(experts.classes) classes of \(experts.imageShape.shapeText) images, the data set has \(data.classCount) of \(data.imageShape.shapeText)",
                               argument: "experts")
        }
        guard experts.config.model == config.model else {
            throw DistillError(.configuration, "mtt: the experts are \(experts.config.model.description), the distillation model is \(config.model.description)",
                               argument: "model", hint: "train experts with the same model")
        }
        guard config.maxStartEpoch - 1 + config.expertEpochs <= experts.config.epochs else {
            throw DistillError(.configuration, "mtt: max_start_epoch \(config.maxStartEpoch) + expert_epochs \(config.expertEpochs) needs experts of at least \(config.maxStartEpoch - 1 + config.expertEpochs) epochs, these have \(experts.config.epochs)",
                               argument: "max_start_epoch")
        }
        guard !experts.trajectories.isEmpty else { throw DistillError(.run, "mtt: there are no experts", argument: "experts") }
    }

    /// One MTT iteration: a student run from an expert's snapshot, then one SGD step on the
    /// images and one on the step size. Returns the normalised parameter distance.
    static func iteration(_ state: inout MTTMethod.State, net: Model, labels: [Int], experts: Experts,
                          dsa: DSA, config: MTTConfig, rng: inout SeededRNG, report: ((Int) -> Void)? = nil) throws -> Float {
        let trajectory = experts.trajectories[rng.nextInt(below: experts.trajectories.count)]
        let startEpoch = rng.nextInt(below: config.maxStartEpoch)
        let start = trajectory[startEpoch], target = trajectory[startEpoch + config.expertEpochs]
        let (batches, seeds) = studentBatches(count: labels.count, config: config, rng: &rng)
        let initial = try Unrolled.squaredDistance(start.map { Variable($0) }, target).value.data[0]
        let scale: Float = initial > 0 ? 1 / initial : 1
        let r = try Unrolled.gradient(
            start: start, steps: config.synSteps, learnable: [state.images, state.synLR], memory: config.memory,
            step: { theta, k, l in
                var x = try l[0].indexSelect(batches[k])
                var augRNG = SeededRNG(seed: seeds[k])
                x = try dsa.apply(x, rng: &augRNG)
                return try Unrolled.sgdStep(net, theta, images: x, labels: batches[k].map { labels[$0] }, lr: l[1])
            },
            loss: { theta in try Unrolled.squaredDistance(theta, target) * scale }, progress: report)
        // Skip (and count) an update whose loss or gradient is not finite instead of poisoning the images.
        guard r.loss.isFinite, r.gradients.allSatisfy({ $0.data.allSatisfy(\.isFinite) }) else {
            state.skipped += 1
            return r.loss
        }
        var imageSGD = SGD(learningRate: config.lrImages, momentum: config.momentum)
        imageSGD.restore(velocity: state.velocity)
        var params = [state.images]
        try imageSGD.step(&params, [r.gradients[0]])
        state.images = params[0]
        state.velocity = imageSGD.velocity
        var lrSGD = SGD(learningRate: config.lrLR, momentum: config.momentum)
        lrSGD.restore(velocity: state.synLRVelocity)
        var lr = [state.synLR]
        try lrSGD.step(&lr, [r.gradients[1]])
        state.synLR = lr[0]
        state.synLRVelocity = lrSGD.velocity
        return r.loss
    }

    /// The student's mini-batches as the reference draws them (chunks of a fresh permutation,
    /// refilled when used up), and each step's augmentation seed.
    static func studentBatches(count n: Int, config: MTTConfig, rng: inout SeededRNG) -> (batches: [[Int]], seeds: [UInt64]) {
        let batch = config.batchSyn == 0 ? n : Swift.min(config.batchSyn, n)
        var chunks: [[Int]] = [], batches: [[Int]] = [], seeds: [UInt64] = []
        for _ in 0..<config.synSteps {
            if chunks.isEmpty {
                var perm = Array(0..<n)
                perm.shuffle(using: &rng)
                chunks = stride(from: 0, to: n, by: batch).map { Array(perm[$0..<Swift.min(n, $0 + batch)]) }.reversed()
            }
            batches.append(chunks.removeLast())
            seeds.append(rng.next())
        }
        return (batches, seeds)
    }
}
