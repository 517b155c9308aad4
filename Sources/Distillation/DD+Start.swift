// DD's start weights: the paper's four initialisation settings (fixed or random, untrained or
// pre-trained on real data). The fixed ones are rebuilt from a seed, so evaluation can repeat them.
import Datasets
import NeuralNet
import TensorCore

extension DD {
    /// Where each unrolled run starts: one fixed network, a pool of pre-trained ones, or a
    /// fresh network per draw.
    struct StartPool {
        let spec: ModelSpec
        let imageShape: [Int]
        let classes: Int
        /// Fixed: one network; random pre-trained: the pool; random untrained: empty.
        let nets: [Model]
        let fixed: Bool

        /// The network the next unrolled run starts from (a copy, so runs cannot disturb it).
        func draw(rng: inout SeededRNG) throws -> Model {
            if fixed { return nets[0].copy() }
            if nets.isEmpty { return try spec.build(imageShape: imageShape, classes: classes, rng: &rng) }
            return nets[rng.nextInt(below: nets.count)].copy()
        }
    }

    /// The start pool of `config`, built from `seed` (pre-training shows progress).
    static func startPool(_ data: Dataset, config: DDConfig, seed: UInt64, progress: ProgressSink) throws -> StartPool {
        let fixed = config.initialization == .fixed
        let count = fixed ? 1 : (config.pretrainEpochs > 0 ? config.pool : 0)
        var rng = SeededRNG(seed: seed)
        var nets: [Model] = []
        for i in 0..<count {
            nets.append(try startNetwork(data, spec: config.model, pretrainEpochs: config.pretrainEpochs, rng: &rng,
                                         progress: progress, title: "dd pre-train \(i + 1)/\(count)"))
        }
        return StartPool(spec: config.model, imageShape: data.imageShape, classes: data.classCount, nets: nets, fixed: fixed)
    }

    /// A network from `rng`, trained `pretrainEpochs` epochs on the real train split
    /// (SGD lr 0.01, momentum 0.9, weight decay 5e-4, batch 256) when asked.
    static func startNetwork(_ data: Dataset, spec: ModelSpec, pretrainEpochs: Int, rng: inout SeededRNG,
                             progress: ProgressSink, title: String) throws -> Model {
        let net = try spec.build(imageShape: data.imageShape, classes: data.classCount, rng: &rng)
        if pretrainEpochs > 0 {
            var trainRNG = rng.fork()
            try Trainer.train(net, images: data.train.images, labels: data.train.labels,
                              config: TrainConfig(epochs: pretrainEpochs, learningRate: 0.01), rng: &trainRNG,
                              progress: progress, title: title)
        }
        return net
    }
}
