// Whole-workload rows for models and features: ConvNet-3's no-gradient forward (with its
// effective GFLOP/s beside OpenBLAS sgemm's in the same run), one evaluation run, and k-means.
// Synthetic inputs of the right shapes; the PyTorch / scikit-learn peer is scripts/peer/distill_bench.py.
import Autograd
import Distillation
import Foundation
import Kernels
import NeuralNet
import TensorCore

let modelBenchmarks: [Benchmark] = [convNet3ForwardBenchmark(), evaluationBenchmark(), kmeansBenchmark()]

/// Multiply-adds x 2 of ConvNet-3 (width 128, 3x3 convolutions, linear head) on one c x s x s
/// image, counted as direct convolution: the yardstick for "effective" GFLOP/s.
func convNet3Flops(channels: Int, size: Int, classes: Int = 10) -> Double {
    var (c, s, total) = (channels, size, 0.0)
    for depth in 0..<3 {
        let pad = depth == 0 && size == 28 ? 3 : 1
        let out = s + 2 * pad - 2
        total += 2 * Double(128 * c * 9 * out * out)
        (c, s) = (128, out / 2)
    }
    return total + 2 * Double(128 * s * s * classes)
}

/// ConvNet-3 forward without gradients on 256 CIFAR-shaped images: images/s against PyTorch,
/// and a second row with the effective GFLOP/s against sgemm (m=128 n=12544 k=1152, the
/// middle layer's im2col GEMM) timed in the same process.
func convNet3ForwardBenchmark(batch: Int = 256) -> Benchmark {
    Benchmark(name: "convnet3_forward") {
        var rng = SeededRNG(seed: 35)
        guard let net = try? ModelSpec.convNet3.build(imageShape: [3, 32, 32], classes: 10, rng: &rng),
              let x = try? Tensor.randn([batch, 3, 32, 32], rng: &rng)
        else { fail("convnet3_forward: cannot build the inputs", code: 70) }
        let t = Stopwatch.best {
            do { _ = try GradMode.withoutGrad { try net.forward(Variable(x)) } } catch { fail("convnet3_forward: \(error)", code: 70) }
        }
        let (m, n, k) = (128, 12544, 1152)
        let a = BenchBuffer(m * k, seed: 36), b = BenchBuffer(k * n, seed: 37), c = BenchBuffer(m * n)
        let direct = Stopwatch.best {
            sgemmParallel(transA: false, transB: false, m: m, n: n, k: k, a: a.pointer, lda: k, b: b.pointer, ldb: n, c: c.pointer, ldc: n)
        }
        let shape = "cifar [\(batch),3,32,32] convnet3 no-grad"
        return [BenchRow(name: "convnet3_forward", shape: shape, figure: Double(batch) / t, unit: "images/s"),
                BenchRow(name: "convnet3_forward_gflops", shape: shape + " vs sgemm m=\(m) n=\(n) k=\(k)",
                         figure: Double(batch) * convNet3Flops(channels: 3, size: 32) / t / 1e9, unit: "GFLOP/s",
                         peer: "openblas sgemm direct", peerFigure: 2 * Double(m * n * k) / direct / 1e9)]
    }
}

/// Epochs of the evaluation row (300 in the papers; BENCH_EVAL_EPOCHS overrides).
let evaluationEpochs = ProcessInfo.processInfo.environment["BENCH_EVAL_EPOCHS"].flatMap(Int.init) ?? 60

/// One evaluation run: ConvNet-3 trained on 100 Fashion-MNIST-shaped images (the evaluation
/// recipe: SGD 0.01, momentum 0.9, batch 256, no augmentation), then tested on 10,000. Runs/s.
func evaluationBenchmark(images count: Int = 100, testCount: Int = 10_000) -> Benchmark {
    Benchmark(name: "evaluation") {
        var rng = SeededRNG(seed: 38)
        guard let x = try? Tensor.randn([count, 1, 28, 28], rng: &rng),
              let test = try? Tensor.randn([testCount, 1, 28, 28], rng: &rng)
        else { fail("evaluation: cannot build the inputs", code: 70) }
        let labels = (0..<count).map { $0 % 10 }, testLabels = (0..<testCount).map { $0 % 10 }
        let t = Stopwatch.best(budget: 0, minRuns: 2) {
            do {
                _ = try Evaluation.run(images: x, labels: labels, testImages: test, testLabels: testLabels,
                                       config: .evaluation(epochs: evaluationEpochs), runs: 1, seed: 39) { rng in
                    try ModelSpec.convNet3.build(imageShape: [1, 28, 28], classes: 10, rng: &rng)
                }
            } catch { fail("evaluation: \(error)", code: 70) }
        }
        return [BenchRow(name: "evaluation", shape: "convnet3 \(count) images \(evaluationEpochs) epochs batch256 + test \(testCount)",
                         figure: 1 / t, unit: "runs/s")]
    }
}

/// k-means, k = 128 on 5,000 x 2,048 features drawn as scripts/peer/distill_bench.py draws
/// them (ReLU of 8 latent Gaussian factors plus noise), k-means++ then at most 20 Lloyd rounds.
func kmeansBenchmark(n: Int = 5000, d: Int = 2048, k: Int = 128, iterations: Int = 20) -> Benchmark {
    Benchmark(name: "kmeans_fit") {
        var rng = SeededRNG(seed: 40)
        let latent = 8
        let z = (0..<(n * latent)).map { _ in rng.nextNormal() }, w = (0..<(latent * d)).map { _ in rng.nextNormal() }
        var data = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            for j in 0..<d {
                var s: Float = 0
                for l in 0..<latent { s += z[i * latent + l] * w[l * d + j] }
                data[i * d + j] = max(0, s) + 0.1 * rng.nextNormal()
            }
        }
        let x = Tensor(unchecked: [n, d], data: data)
        let t = Stopwatch.best(budget: 0, minRuns: 3) {
            var fitRNG = SeededRNG(seed: 41)
            do { _ = try KMeans.fit(x, k: k, iterations: iterations, rng: &fitRNG) } catch { fail("kmeans_fit: \(error)", code: 70) }
        }
        return [BenchRow(name: "kmeans_fit", shape: "\(n)x\(d) k=\(k) iters=\(iterations)", figure: 1 / t, unit: "fits/s")]
    }
}
