// Benchmarks of the Tensor API against the practical limits measured in the same run: GEMM
// through `Tensor.matmul` beside OpenBLAS called directly, and elementwise add and sum beside a
// plain copy (memory bandwidth). Issue 2's targets: >= 90 % of sgemm, >= 50 % of the copy.
import Foundation
import Kernels
import TensorCore

let tensorBenchmarks: [Benchmark] = [
    tensorMatmulBenchmark(m: 2048, n: 2048, k: 2048),
    tensorMatmulBenchmark(m: 128, n: 12544, k: 1152),
    tensorAddBenchmark(count: 64 << 20),
    tensorSumBenchmark(count: 64 << 20),
]

/// `a.matmul(b)` in GFLOP/s, with OpenBLAS sgemm on the same operands as the peer figure.
func tensorMatmulBenchmark(m: Int, n: Int, k: Int) -> Benchmark {
    Benchmark(name: "tensor_matmul") {
        let a = BenchBuffer(m * k, seed: 21), b = BenchBuffer(k * n, seed: 22), c = BenchBuffer(m * n)
        let ta = Tensor(unchecked: [m, k], data: Array(UnsafeBufferPointer(start: a.pointer, count: m * k)))
        let tb = Tensor(unchecked: [k, n], data: Array(UnsafeBufferPointer(start: b.pointer, count: k * n)))
        let flops = 2 * Double(m * n * k)
        let ours = Stopwatch.best { _ = try? ta.matmul(tb) }
        let direct = Stopwatch.best {
            sgemmParallel(transA: false, transB: false, m: m, n: n, k: k, a: a.pointer, lda: k, b: b.pointer, ldb: n, c: c.pointer, ldc: n)
        }
        return [BenchRow(name: "tensor_matmul", shape: "m=\(m) n=\(n) k=\(k)", figure: flops / ours / 1e9, unit: "GFLOP/s",
                         peer: "openblas sgemm direct", peerFigure: flops / direct / 1e9)]
    }
}

/// A plain parallel copy of `count` floats: the bandwidth the elementwise rows are judged by
/// (bytes read plus bytes written per second).
func copyBandwidth(count: Int) -> Double {
    let src = BenchBuffer(count, seed: 23), dst = BenchBuffer(count)
    let t = Stopwatch.best {
        ThreadPool.forRanges(count, minChunk: 1 << 16) { r in
            (dst.pointer + r.lowerBound).update(from: src.pointer + r.lowerBound, count: r.count)
        }
    }
    return 8 * Double(count) / t / 1e9
}

/// `a + b` on two tensors of `count` floats: GB/s moved (two reads, one write).
func tensorAddBenchmark(count: Int) -> Benchmark {
    Benchmark(name: "tensor_add") {
        let a = Tensor(unchecked: [count], data: Array(UnsafeBufferPointer(start: BenchBuffer(count, seed: 24).pointer, count: count)))
        let b = Tensor(unchecked: [count], data: Array(UnsafeBufferPointer(start: BenchBuffer(count, seed: 25).pointer, count: count)))
        let t = Stopwatch.best { _ = try? a + b }
        return [BenchRow(name: "tensor_add", shape: "n=\(count)", figure: 12 * Double(count) / t / 1e9, unit: "GB/s",
                         peer: "parallel copy", peerFigure: copyBandwidth(count: count))]
    }
}

/// `x.sum()` over `count` floats: GB/s read.
func tensorSumBenchmark(count: Int) -> Benchmark {
    Benchmark(name: "tensor_sum") {
        let x = Tensor(unchecked: [count], data: Array(UnsafeBufferPointer(start: BenchBuffer(count, seed: 26).pointer, count: count)))
        let t = Stopwatch.best { _ = try? x.sum() }
        return [BenchRow(name: "tensor_sum", shape: "n=\(count)", figure: 4 * Double(count) / t / 1e9, unit: "GB/s",
                         peer: "parallel copy", peerFigure: copyBandwidth(count: count))]
    }
}
