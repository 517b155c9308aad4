// The benchmark list: each entry is one function returning a `Benchmark`, so adding a row means
// writing one function and listing it in `allBenchmarks`. Timing is in Stopwatch.swift.
import Kernels

/// A named measurement that produces one or more rows.
struct Benchmark {
    /// Row name; `--filter` matches against it.
    let name: String
    /// Run only when `--filter` names it (rows that take minutes).
    var explicitOnly = false
    let run: () -> [BenchRow]
}

/// Every benchmark, in printing order. Shapes and names must match scripts/peer/conv_bench.py.
let allBenchmarks: [Benchmark] = [
    sgemmBenchmark(m: 2048, n: 2048, k: 2048),
    sgemmBenchmark(m: 128, n: 12544, k: 1152),
] + tensorBenchmarks + distillBenchmarks + modelBenchmarks + (convNet3Layers + [fashionMNISTFirstLayer]).flatMap { g in
    [conv2dForwardBenchmark(g), conv2dTrainingBenchmark(g), conv2dBackwardInputBenchmark(g), conv2dBackwardWeightBenchmark(g)]
}

/// The three convolutions of ConvNet-3 on 32x32 inputs at batch 256 (3x3, padding 1).
let convNet3Layers: [Conv2dGeometry] = [
    Conv2dGeometry(batch: 256, inChannels: 3, height: 32, width: 32, outChannels: 128, kernelH: 3, kernelW: 3, padding: 1),
    Conv2dGeometry(batch: 256, inChannels: 128, height: 16, width: 16, outChannels: 128, kernelH: 3, kernelW: 3, padding: 1),
    Conv2dGeometry(batch: 256, inChannels: 128, height: 8, width: 8, outChannels: 128, kernelH: 3, kernelW: 3, padding: 1),
]

/// ConvNet-3's first layer on 28x28 single-channel images (Fashion-MNIST): padding 3 makes 32x32.
let fashionMNISTFirstLayer = Conv2dGeometry(batch: 256, inChannels: 1, height: 28, width: 28, outChannels: 128,
                                            kernelH: 3, kernelW: 3, padding: 3)

/// Shape label shared with the peer script: `x=[n,c,h,w] w=[oc,c,kh,kw] s=1 p=1`.
func shapeLabel(_ g: Conv2dGeometry) -> String {
    "x=[\(g.batch),\(g.inChannels),\(g.height),\(g.width)] w=[\(g.outChannels),\(g.inChannels),\(g.kernelH),\(g.kernelW)] s=\(g.stride) p=\(g.padding)"
}

/// OpenBLAS sgemm called directly, C[m, n] = A[m, k] B[k, n]: GFLOP/s.
func sgemmBenchmark(m: Int, n: Int, k: Int) -> Benchmark {
    Benchmark(name: "sgemm") {
        let a = BenchBuffer(m * k, seed: 1), b = BenchBuffer(k * n, seed: 2), c = BenchBuffer(m * n)
        let t = Stopwatch.best {
            sgemmParallel(transA: false, transB: false, m: m, n: n, k: k, a: a.pointer, lda: k,
                  b: b.pointer, ldb: n, c: c.pointer, ldc: n)
        }
        return [BenchRow(name: "sgemm", shape: "m=\(m) n=\(n) k=\(k)", figure: 2 * Double(m * n * k) / t / 1e9, unit: "GFLOP/s")]
    }
}

/// Convolution forward with bias: images/s.
func conv2dForwardBenchmark(_ g: Conv2dGeometry) -> Benchmark {
    Benchmark(name: "conv2d_forward") {
        let x = BenchBuffer(g.batch * g.inputPlaneCount, seed: 3), w = BenchBuffer(g.weightCount, seed: 4)
        let bias = BenchBuffer(g.outChannels, seed: 5), y = BenchBuffer(g.batch * g.outputPlaneCount)
        let t = Stopwatch.best {
            conv2dForward(g, x: x.pointer, weight: w.pointer, bias: bias.pointer, y: y.pointer)
        }
        return [BenchRow(name: "conv2d_forward", shape: shapeLabel(g), figure: Double(g.batch) / t, unit: "images/s")]
    }
}

/// Convolution forward, then the gradients of input, weight and bias: images/s.
func conv2dTrainingBenchmark(_ g: Conv2dGeometry) -> Benchmark {
    Benchmark(name: "conv2d_forward_backward") {
        let x = BenchBuffer(g.batch * g.inputPlaneCount, seed: 6), w = BenchBuffer(g.weightCount, seed: 7)
        let bias = BenchBuffer(g.outChannels, seed: 8), y = BenchBuffer(g.batch * g.outputPlaneCount)
        let dy = BenchBuffer(g.batch * g.outputPlaneCount, seed: 9), dx = BenchBuffer(g.batch * g.inputPlaneCount)
        let dw = BenchBuffer(g.weightCount), db = BenchBuffer(g.outChannels)
        let t = Stopwatch.best {
            conv2dForward(g, x: x.pointer, weight: w.pointer, bias: bias.pointer, y: y.pointer)
            conv2dBackwardInput(g, dy: dy.pointer, weight: w.pointer, dx: dx.pointer)
            conv2dBackwardWeight(g, x: x.pointer, dy: dy.pointer, dweight: dw.pointer, dbias: db.pointer)
        }
        return [BenchRow(name: "conv2d_forward_backward", shape: shapeLabel(g), figure: Double(g.batch) / t, unit: "images/s")]
    }
}

/// Convolution gradient with respect to the input alone: images/s.
func conv2dBackwardInputBenchmark(_ g: Conv2dGeometry) -> Benchmark {
    Benchmark(name: "conv2d_backward_input") {
        let w = BenchBuffer(g.weightCount, seed: 10), dy = BenchBuffer(g.batch * g.outputPlaneCount, seed: 11)
        let dx = BenchBuffer(g.batch * g.inputPlaneCount)
        let t = Stopwatch.best { conv2dBackwardInput(g, dy: dy.pointer, weight: w.pointer, dx: dx.pointer) }
        return [BenchRow(name: "conv2d_backward_input", shape: shapeLabel(g), figure: Double(g.batch) / t, unit: "images/s")]
    }
}

/// Convolution gradient with respect to weight and bias alone: images/s.
func conv2dBackwardWeightBenchmark(_ g: Conv2dGeometry) -> Benchmark {
    Benchmark(name: "conv2d_backward_weight") {
        let x = BenchBuffer(g.batch * g.inputPlaneCount, seed: 12), dy = BenchBuffer(g.batch * g.outputPlaneCount, seed: 13)
        let dw = BenchBuffer(g.weightCount), db = BenchBuffer(g.outChannels)
        let t = Stopwatch.best {
            conv2dBackwardWeight(g, x: x.pointer, dy: dy.pointer, dweight: dw.pointer, dbias: db.pointer)
        }
        return [BenchRow(name: "conv2d_backward_weight", shape: shapeLabel(g), figure: Double(g.batch) / t, unit: "images/s")]
    }
}
