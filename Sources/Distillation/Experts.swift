// Expert trajectories for MTT (Cazenavette et al. 2022, reference buffer.py): networks trained
// on real data with a parameter snapshot after every epoch. Training here; the file format in
// Experts+File.swift.
import Autograd
import Cluster
import Datasets
import NeuralNet
import TensorCore

/// How experts are trained; defaults are the reference's (SGD lr 0.01, no momentum, no weight
/// decay, batch 256, DSA on the real images).
public struct ExpertConfig: Codable, Equatable, Sendable {
    public var count: Int
    public var epochs: Int
    public var learningRate: Float = 0.01
    public var batchSize: Int = 256
    /// DSA strategy applied per image to each training batch ("none": no augmentation).
    public var dsa: String = DSA.defaultStrategy
    public var model: ModelSpec = .convNet3
    public var seed: UInt64 = 0

    public init(count: Int, epochs: Int) {
        self.count = count
        self.epochs = epochs
    }

    func validate() throws {
        guard count >= 1 else { throw TensorError("experts: count must be >= 1, got \(count)") }
        guard epochs >= 1 else { throw TensorError("experts: epochs must be >= 1, got \(epochs)") }
        guard learningRate > 0, learningRate.isFinite else { throw TensorError("experts: lr must be positive, got \(learningRate)") }
        guard batchSize >= 1 else { throw TensorError("experts: batch must be >= 1, got \(batchSize)") }
    }
}

/// Trained experts: for each, the parameters at the start and after every epoch.
public struct Experts: Sendable {
    public var config: ExpertConfig
    /// Data set name and input shape / classes the networks were built for.
    public var dataName: String
    public var imageShape: [Int]
    public var classes: Int
    /// trajectories[e][t]: parameters of expert e after t epochs (t = 0 is the initialisation).
    public var trajectories: [[[Tensor]]]
    /// True when Ctrl-C stopped training: only the finished experts are kept.
    public var interrupted = false

    public init(config: ExpertConfig, dataName: String, imageShape: [Int], classes: Int, trajectories: [[[Tensor]]]) {
        self.config = config
        self.dataName = dataName
        self.imageShape = imageShape
        self.classes = classes
        self.trajectories = trajectories
    }

    /// Snapshots per expert (epochs + 1).
    public var snapshots: Int { config.epochs + 1 }

    /// Trains `config.count` experts on `data.train`. Shows progress per expert; Ctrl-C stops
    /// after the current epoch and keeps the experts already finished.
    ///
    /// With a `team` of several ranks the experts go in rounds of `team.size`, rank r training
    /// expert `round * size + r` from that expert's own generator (every rank forks them all,
    /// in expert order); after each round the trajectories are gathered in expert order, so
    /// every rank ends with the same experts, bit for bit, for any rank count.
    public static func train(_ data: Dataset, config: ExpertConfig, progress: ProgressSink = SilentProgress(),
                             team: Communicator = Solo()) throws -> Experts {
        try config.validate()
        let dsa = try DSA(strategy: config.dsa)
        let augment: BatchAugment? = dsa.strategy == "none" ? nil : { x, rng in
            try GradMode.withoutGrad { try dsa.apply(Variable(x), rng: &rng).value }
        }
        var result = Experts(config: config, dataName: data.name, imageShape: data.imageShape, classes: data.classCount, trajectories: [])
        var master = SeededRNG(seed: config.seed)
        let train = TrainConfig(epochs: config.epochs, learningRate: config.learningRate, momentum: 0, weightDecay: 0,
                                batchSize: config.batchSize)
        var probe = SeededRNG(seed: 0)
        let shapes = try config.model.build(imageShape: data.imageShape, classes: data.classCount, rng: &probe).parameters.map(\.shape)
        var next = 0
        while next < config.count {
            let round = next..<Swift.min(config.count, next + team.size)
            var generators: [SeededRNG] = []
            for _ in round { generators.append(master.fork()) }
            var mine: [[Tensor]]?
            let e = round.lowerBound + team.rank
            if round.contains(e) {
                var rng = generators[team.rank]
                let net = try config.model.build(imageShape: data.imageShape, classes: data.classCount, rng: &rng)
                var snapshots = [net.parameters]
                let hook = TrainHook(resume: nil) { state, _ in snapshots.append(state.parameters) }
                let history = try Trainer.train(net, images: data.train.images, labels: data.train.labels, config: train, rng: &rng,
                                                augment: augment, progress: progress, title: "expert \(e + 1)/\(config.count)", hook: hook)
                if !history.interrupted && snapshots.count == config.epochs + 1 { mine = snapshots }
            }
            for trajectory in try gather(mine, shapes: shapes, snapshots: config.epochs + 1, team: team).prefix(round.count) {
                guard let trajectory else { result.interrupted = true; return result }
                result.trajectories.append(trajectory)
            }
            next = round.upperBound
        }
        return result
    }

    /// Every rank's trajectory (nil: interrupted, or no expert this round), in rank order, as
    /// the floats of its snapshots one after another.
    static func gather(_ trajectory: [[Tensor]]?, shapes: [[Int]], snapshots: Int, team: Communicator) throws -> [[[Tensor]]?] {
        if team.size == 1 { return [trajectory] }
        let flat = trajectory.map { $0.flatMap { $0.flatMap(\.data) } } ?? []
        let perSnapshot = shapes.reduce(0) { $0 + $1.reduce(1, *) }
        return try team.allgather(floats: flat).map { floats in
            if floats.isEmpty { return nil }
            guard floats.count == perSnapshot * snapshots else {
                throw TensorError("experts: a rank sent \(floats.count) values, not \(snapshots) snapshots of \(perSnapshot)")
            }
            var offset = 0
            return (0..<snapshots).map { _ in
                shapes.map { shape in
                    let n = shape.reduce(1, *)
                    defer { offset += n }
                    return Tensor(unchecked: shape, data: Array(floats[offset..<offset + n]))
                }
            }
        }
    }
}
