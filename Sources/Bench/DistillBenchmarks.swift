// Whole-workload rows of issue 10 built from the public API on synthetic data of the right
// shapes: DC (one matching step, the inner loop, a whole iteration) and one DM iteration. The
// PyTorch peer doing the same work is scripts/peer/distill_bench.py. Others: ModelBenchmarks.swift.
import Autograd
import Datasets
import Distillation
import Foundation
import NeuralNet
import TensorCore

/// Run one per process (scripts/bench does) so each row's peak resident memory is its own.
let distillBenchmarks: [Benchmark] = [dmIterationBenchmark(), dcOuterStepBenchmark(), dcInnerLoopBenchmark(), dcIterationBenchmark()]

/// One DM iteration at Fashion-MNIST IPC 10 (ConvNet-3, 256 real images per class, Siamese
/// DSA), on a synthetic set of 600 images per class. Iterations/s.
func dmIterationBenchmark() -> Benchmark {
    Benchmark(name: "dm_iteration") {
        guard let data = try? syntheticDataset(perClass: 600, seed: 34) else { fail("dm_iteration: no data", code: 70) }
        var config = DMConfig(ipc: 10)
        config.iterations = 1
        let t = Stopwatch.best(budget: 0, minRuns: 3) {
            do { _ = try DistributionMatching.run(data, config: config) } catch { fail("dm_iteration: \(error)", code: 70) }
        }
        return [BenchRow(name: "dm_iteration", shape: "fashion-mnist ipc10 convnet3 batch_real256 dsa", figure: 1 / t, unit: "iterations/s")]
    }
}

/// One DC matching step at Fashion-MNIST IPC 10: for each of 10 classes, the detached parameter
/// gradient on 256 real images, the synthetic gradient on 10 images with `createGraph`, the
/// layer-wise distance and its gradient with respect to the synthetic images. Steps/s.
func dcOuterStepBenchmark(classes: Int = 10, ipc: Int = 10, batchReal: Int = 256) -> Benchmark {
    Benchmark(name: "dc_outer_step") {
        var rng = SeededRNG(seed: 31)
        let shape = [1, 28, 28]
        guard let net = try? ModelSpec.convNet3.build(imageShape: shape, classes: classes, rng: &rng),
              let real = try? Tensor.randn([classes * batchReal] + shape, rng: &rng),
              let syn = try? Tensor.randn([classes * ipc] + shape, rng: &rng)
        else { fail("dc_outer_step: cannot build the inputs", code: 70) }
        let include = GradientMatching.includedParameters(net)
        let t = Stopwatch.best(budget: 0, minRuns: 2) {
            do {
                _ = try dcOuterStep(net, real: real, syn: syn, classes: classes, ipc: ipc, batchReal: batchReal, include: include)
            } catch { fail("dc_outer_step: \(error)", code: 70) }
        }
        return [BenchRow(name: "dc_outer_step", shape: "fashion-mnist ipc\(ipc) convnet3 batch_real\(batchReal) second-order",
                         figure: 1 / t, unit: "steps/s")]
    }
}

/// The class loop of one DC matching step; returns the image gradient (all classes).
func dcOuterStep(_ net: Model, real: Tensor, syn: Tensor, classes: Int, ipc: Int, batchReal: Int, include: [Bool]) throws -> [Tensor] {
    let params = net.parameterVariables()
    var out: [Tensor] = []
    for c in 0..<classes {
        let realX = Variable(try real.slice(axis: 0, (c * batchReal)..<((c + 1) * batchReal)))
        let synX = Variable(try syn.slice(axis: 0, (c * ipc)..<((c + 1) * ipc)), requiresGrad: true)
        let target = try GradientMatching.parameterGradients(net, params, images: realX, labels: [Int](repeating: c, count: batchReal), mode: .train)
        let loss = try GradientMatching.matchingLoss(net, params, realGradients: target, synthetic: synX,
                                                     labels: [Int](repeating: c, count: ipc), mode: .train, distance: .ours, include: include)
        out.append(try gradients(of: loss, wrt: [synX])[0].value)
    }
    return out
}

/// A synthetic Fashion-MNIST-shaped data set: `perClass` standard-normal images per class.
func syntheticDataset(perClass: Int, classes: Int = 10, shape: [Int] = [1, 28, 28], seed: UInt64) throws -> Dataset {
    var rng = SeededRNG(seed: seed)
    let images = try Tensor.randn([perClass * classes] + shape, rng: &rng)
    let labels = (0..<(perClass * classes)).map { $0 % classes }
    let train = try DatasetSplit(images: images, labels: labels, classCount: classes)
    return try Dataset(name: "synthetic", classNames: (0..<classes).map { "class\($0)" },
                       normalization: Normalization(mean: [Float](repeating: 0.5, count: shape[0]), std: [Float](repeating: 0.5, count: shape[0])),
                       train: train, test: try DatasetSplit.empty(imageShape: shape, classCount: classes),
                       provenance: DatasetProvenance(source: "synthetic", root: "", transform: ""))
}

/// One whole DC iteration (10 matching steps, 50 epochs of network training between them) at
/// IPC 10 on a synthetic Fashion-MNIST-shaped set. Iterations/s.
func dcIterationBenchmark() -> Benchmark {
    Benchmark(name: "dc_iteration", explicitOnly: true) {
        guard let data = try? syntheticDataset(perClass: 600, seed: 32) else { fail("dc_iteration: no data", code: 70) }
        var config = DCConfig(ipc: 10)
        config.iterations = 1
        let t = Stopwatch.best(budget: 0, minRuns: 1) {
            do { _ = try DatasetCondensation.run(data, config: config) } catch { fail("dc_iteration: \(error)", code: 70) }
        }
        return [BenchRow(name: "dc_iteration", shape: "fashion-mnist ipc10 convnet3 batch_real256 outer10 inner50", figure: 1 / t, unit: "iterations/s")]
    }
}

/// DC's inner loop between matching steps: 50 epochs of SGD on the 100 synthetic images (one
/// batch each). Loops/s.
func dcInnerLoopBenchmark(images count: Int = 100, epochs: Int = 50) -> Benchmark {
    Benchmark(name: "dc_inner_loop") {
        var rng = SeededRNG(seed: 33)
        guard let net = try? ModelSpec.convNet3.build(imageShape: [1, 28, 28], classes: 10, rng: &rng),
              let x = try? Tensor.randn([count, 1, 28, 28], rng: &rng)
        else { fail("dc_inner_loop: cannot build the inputs", code: 70) }
        let labels = (0..<count).map { $0 % 10 }
        var optimizer = SGD(learningRate: 0.01)
        let t = Stopwatch.best(budget: 0, minRuns: 2) {
            do {
                for _ in 0..<epochs {
                    let params = net.parameterVariables()
                    let loss = try net.forward(Variable(x), parameters: params, mode: .train).crossEntropy(labels: labels)
                    try optimizer.step(&net.parameters, try gradients(of: loss, wrt: params).map(\.value))
                }
            } catch { fail("dc_inner_loop: \(error)", code: 70) }
        }
        return [BenchRow(name: "dc_inner_loop", shape: "fashion-mnist \(count) images convnet3 \(epochs) epochs", figure: 1 / t, unit: "loops/s")]
    }
}
