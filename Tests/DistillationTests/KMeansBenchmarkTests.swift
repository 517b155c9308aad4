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

    static func env(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
    }

    @Test func kmeans5000x2048() throws {
        let (n, d, k) = (Self.env("KMEANS_N", 5000), Self.env("KMEANS_D", 2048), Self.env("KMEANS_K", 128))
        let iterations = Self.env("KMEANS_ITERS", 20), repeats = Self.env("KMEANS_REPEATS", 3)
        let x = Self.features(n: n, d: d, seed: 1)
        func seconds(_ body: () throws -> Void) rethrows -> Double {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        }
        var best = (fit: Double.infinity, seeding: Double.infinity, lloyd: Double.infinity)
        var rounds = 0
        for r in 0..<repeats {
            var rng = SeededRNG(seed: UInt64(r + 1))
            var result: (centroids: Tensor, assignment: [Int], inertia: Float)?
            best.fit = min(best.fit, try seconds { result = try KMeans.fit(x, k: k, iterations: iterations, rng: &rng) })
            #expect(result.map { $0.inertia.isFinite && Set($0.assignment).count == k } == true)
            // The two phases on their own (same work as inside fit).
            var rng2 = SeededRNG(seed: UInt64(r + 1))
            let rows = KMeans.CenteredRows(x.data, n: n, d: d)
            var seeds = [Float]()
            best.seeding = min(best.seeding, seconds { seeds = KMeans.plusPlusCentres(rows, k: k, rng: &rng2) })
            best.lloyd = min(best.lloyd, seconds { rounds = KMeans.lloyd(rows, from: seeds, k: k, iterations: iterations).rounds })
        }
        let shape = "\(n)x\(d) k=\(k) iters=\(iterations)"
        for (name, figure) in [("kmeans_fit", best.fit), ("kmeans_seeding", best.seeding), ("kmeans_lloyd", best.lloyd)] {
            print("{\"name\": \"\(name)\", \"shape\": \"\(shape)\", \"figure\": \(String(format: "%.4f", figure)), \"unit\": \"s\", \"rounds\": \(rounds), \"threads\": \(ThreadPool.width)}")
        }
    }
}
