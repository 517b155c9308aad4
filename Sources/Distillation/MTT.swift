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
    /// Initial learnable step size (the experts' learning rate in the reference).
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
        guard ipc >= 1 else { throw TensorError("mtt: ipc must be >= 1, got \(ipc)") }
        guard iterations >= 0 else { throw TensorError("mtt: iterations must be >= 0, got \(iterations)") }
        guard synSteps >= 1 else { throw TensorError("mtt: syn_steps must be >= 1, got \(synSteps)") }
        guard expertEpochs >= 1, maxStartEpoch >= 1 else {
            throw TensorError("mtt: expert_epochs and max_start_epoch must be >= 1, got \(expertEpochs) and \(maxStartEpoch)")
        }
        for (name, v) in [("lr", lrImages), ("lr_lr", lrLR), ("lr_teacher", lrTeacher)] where !(v > 0 && v.isFinite) {
            throw TensorError("mtt: \(name) must be positive, got \(v)")
        }
        guard batchSyn >= 0 else { throw TensorError("mtt: batch_syn must be >= 0, got \(batchSyn)") }
    }
}

public enum MTT {
    /// Distils `data.train` into `ipc` images per class by matching `experts`' trajectories.
    public static func run(_ data: Dataset, experts: Experts, config: MTTConfig, checkpoint: Checkpoint? = nil,
                           control: RunControl = RunControl(),
                           progress: ProgressSink = SilentProgress()) throws -> SyntheticSet {
        try config.validate()
        try check(experts, fit: data, config: config)
        let dsa = try DSA(strategy: config.dsa)
        let classes = data.classCount
        var rng = SeededRNG(seed: config.seed)
        var images = try SyntheticSet.initialImages(data.train, ipc: config.ipc, classes: classes, mode: config.initialization, rng: &rng)
        var probe = SeededRNG(seed: 0)
        let net = try config.model.build(imageShape: data.imageShape, classes: classes, rng: &probe)
        let labels = SyntheticSet.classMajorLabels(classes: classes, ipc: config.ipc)
        var result = SyntheticSet(images: images, labels: labels, ipc: config.ipc, classNames: data.classNames,
                                  normalization: data.normalization, method: "mtt")
        let extras = LoopExtras(tensors: ["syn_lr": [Tensor(unchecked: [1], data: [config.lrTeacher])], "syn_lr_velocity": []],
                                numbers: ["skipped": 0])
        var imageSGD = SGD(learningRate: config.lrImages, momentum: config.momentum)
        var last: Float = 0
        try ImageLoopState.run(method: "mtt", total: config.iterations, config: config, checkpoint: checkpoint, progress: progress,
                               stepsPerIteration: 2 * config.synSteps, control: control, extras: extras, images: &images, optimizer: &imageSGD,
                               rng: &rng, result: &result) { images, opt, rng, report in
            let previous = last
            last = try withoutActuallyEscaping(report) { report in
                try iteration(images: &images, imageSGD: &opt, extras: extras, net: net, labels: labels, experts: experts,
                              dsa: dsa, config: config, rng: &rng, report: { report($0, previous) })
            }
            return (last, true)
        }
        result.images = images
        result.learnedLR = extras.tensors["syn_lr"]![0].data[0]
        result.settings = ["iterations": "\(config.iterations)", "syn_steps": "\(config.synSteps)", "expert_epochs": "\(config.expertEpochs)",
                           "max_start_epoch": "\(config.maxStartEpoch)", "lr": "\(config.lrImages)", "lr_lr": "\(config.lrLR)",
                           "lr_teacher": "\(config.lrTeacher)", "batch_syn": "\(config.batchSyn)", "dsa": dsa.strategy,
                           "model": config.model.description, "init": config.initialization.rawValue, "memory": config.memory.rawValue,
                           "experts": "\(experts.trajectories.count)x\(experts.config.epochs) epochs", "seed": "\(config.seed)",
                           "syn_lr": "\(result.learnedLR!)", "skipped": "\(Int(extras.numbers["skipped"] ?? 0))"]
        return result
    }

    /// The experts must be for this data set's shapes and this architecture, and long enough.
    static func check(_ experts: Experts, fit data: Dataset, config: MTTConfig) throws {
        guard experts.imageShape == data.imageShape, experts.classes == data.classCount else {
            throw TensorError("mtt: the experts were trained on \(experts.classes) classes of \(experts.imageShape.shapeText) images, the data set has \(data.classCount) of \(data.imageShape.shapeText)")
        }
        guard experts.config.model == config.model else {
            throw TensorError("mtt: the experts are \(experts.config.model.description), the distillation model is \(config.model.description) (HINT: train experts with the same model)")
        }
        guard config.maxStartEpoch - 1 + config.expertEpochs <= experts.config.epochs else {
            throw TensorError("mtt: max_start_epoch \(config.maxStartEpoch) + expert_epochs \(config.expertEpochs) needs experts of at least \(config.maxStartEpoch - 1 + config.expertEpochs) epochs, these have \(experts.config.epochs)")
        }
        guard !experts.trajectories.isEmpty else { throw TensorError("mtt: there are no experts") }
    }

    /// One MTT iteration; returns the normalised parameter distance.
    static func iteration(images: inout Tensor, imageSGD: inout SGD, extras: LoopExtras, net: Model, labels: [Int], experts: Experts,
                          dsa: DSA, config: MTTConfig, rng: inout SeededRNG, report: ((Int) -> Void)? = nil) throws -> Float {
        let trajectory = experts.trajectories[rng.nextInt(below: experts.trajectories.count)]
        let startEpoch = rng.nextInt(below: config.maxStartEpoch)
        let start = trajectory[startEpoch], target = trajectory[startEpoch + config.expertEpochs]
        // Mini-batches as the reference draws them: chunks of a fresh permutation, refilled when used up.
        let n = labels.count, batch = config.batchSyn == 0 ? n : Swift.min(config.batchSyn, n)
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
        let initial = try Unrolled.squaredDistance(start.map { Variable($0) }, target).value.data[0]
        let scale: Float = initial > 0 ? 1 / initial : 1
        let synLR = extras.tensors["syn_lr"]![0]
        let r = try Unrolled.gradient(
            start: start, steps: config.synSteps, learnable: [images, synLR], memory: config.memory,
            step: { theta, k, l in
                var x = try l[0].indexSelect(batches[k])
                var augRNG = SeededRNG(seed: seeds[k])
                x = try dsa.apply(x, rng: &augRNG)
                return try Unrolled.sgdStep(net, theta, images: x, labels: batches[k].map { labels[$0] }, lr: l[1])
            },
            loss: { theta in try Unrolled.squaredDistance(theta, target) * scale }, progress: report)
        // Skip (and count) an update whose loss or gradient is not finite instead of poisoning the images.
        guard r.loss.isFinite, r.gradients.allSatisfy({ $0.data.allSatisfy(\.isFinite) }) else {
            extras.numbers["skipped", default: 0] += 1
            return r.loss
        }
        var params = [images]
        try imageSGD.step(&params, [r.gradients[0]])
        images = params[0]
        var lrSGD = SGD(learningRate: config.lrLR, momentum: config.momentum)
        if let v = extras.tensors["syn_lr_velocity"], !v.isEmpty { lrSGD.restore(velocity: v) }
        var lr = [synLR]
        try lrSGD.step(&lr, [r.gradients[1]])
        extras.tensors["syn_lr"] = lr
        extras.tensors["syn_lr_velocity"] = lrSGD.velocity ?? []
        return r.loss
    }
}
