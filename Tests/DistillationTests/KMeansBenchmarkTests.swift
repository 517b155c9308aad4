// Timing of issue 10's k-means row (k = 128 on 5,000 x 2,048 features), run by
// scripts/kmeans_bench in a release build; skipped unless DISTILL_SLOW=1. Not a pass/fail test
// of speed: it prints one JSON line per figure for the bench table and checks only sanity.
import Testing
import Foundation
import TensorCore
import Kernels
@testable import Distillation

private let kmeansBenchEnabled = ProcessInfo.processInfo.environment["DISTILL_SLOW"] == "1"

@Suite(.enabled(if: kmeansBenchEnabled), .serialized) struct KMeansBenchmark {
    /// Features on a low-dimensional manifold (ReLU of 8 latent factors, plus noise), as
    /// scripts/peer/kmeans_bench.py draws them: Lloyd needs dozens of rounds on these, so both
    /// sides run every round asked for.
    static func features(n: Int, d: Int, latent: Int = 8, seed: UInt64) -> Tensor {
        var rng = SeededRNG(seed: seed)
        let z = (0..<(n * latent)).map { _ in rng.nextNormal() }
        let w = (0..<(latent * d)).map { _ in rng.nextNormal() }
        var x = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            for j in 0..<d {
                var s: Float = 0
                for l in 0..<latent { s += z[i * latent + l] * w[l * d + j] }
                x[i * d + j] = max(0, s) + 0.1 * rng.nextNormal()
            }
        }
        return Tensor(unchecked: [n, d], data: x)
    }

    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func env(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
    }

    @Test func kmeans5000x2048() throws {
        let (n, d, k) = (Self.env("KMEANS_N", 5000), Self.env("KMEANS_D", 2048), Self.env("KMEANS_K", 128))
        let iterations = Self.env("KMEANS_ITERS", 20), repeats = Self.env("KMEANS_REPEATS", 3)
        let x = Self.features(n: n, d: d, seed: 1)
        // Wall-clock and process CPU seconds, best of the repeats for each.
        var best = ["fit": (Double.infinity, Double.infinity), "seeding": (Double.infinity, Double.infinity),
                    "lloyd": (Double.infinity, Double.infinity)]
        func timed(_ name: String, _ body: () throws -> Void) rethrows {
            let (w0, c0) = (DispatchTime.now().uptimeNanoseconds, Self.cpuSeconds())
            try body()
            let wall = Double(DispatchTime.now().uptimeNanoseconds - w0) / 1e9, cpu = Self.cpuSeconds() - c0
            best[name] = (min(best[name]!.0, wall), min(best[name]!.1, cpu))
        }
        var rounds = 0
        for r in 0..<repeats {
            var rng = SeededRNG(seed: UInt64(r + 1))
            var result: (centroids: Tensor, assignment: [Int], inertia: Float)?
            try timed("fit") { result = try KMeans.fit(x, k: k, iterations: iterations, rng: &rng) }
            #expect(result.map { $0.inertia.isFinite && Set($0.assignment).count == k } == true)
            // The two phases on their own (the same work as inside fit).
            var rng2 = SeededRNG(seed: UInt64(r + 1))
            let rows = KMeans.CenteredRows(x.data, n: n, d: d)
            var seeds = [Float]()
            timed("seeding") { seeds = KMeans.plusPlusCentres(rows, k: k, rng: &rng2) }
            timed("lloyd") { rounds = KMeans.lloyd(rows, from: seeds, k: k, iterations: iterations).rounds }
        }
        let shape = "\(n)x\(d) k=\(k) iters=\(iterations)"
        for name in ["fit", "seeding", "lloyd"] {
            let (wall, cpu) = best[name]!
            print("{\"name\": \"kmeans_\(name)\", \"shape\": \"\(shape)\", \"figure\": \(String(format: "%.4f", wall)), \"unit\": \"s\", "
                + "\"cpu_s\": \(String(format: "%.4f", cpu)), \"rounds\": \(rounds), \"threads\": \(ThreadPool.width)}")
        }
    }
}
