// KMeans: a hand-checked case, recovery of well-separated blobs, the fast path against its plain
// twin, nearest-row representatives, and bad input.
import Testing
import TestSupport
import TensorCore
@testable import Distillation

/// `perBlob` points around each of `centres` (spread `spread`), blob b's points at rows b, b+blobs, ...
func gaussianBlobs(_ centres: [[Float]], perBlob: Int, spread: Float, seed: UInt64) -> (Tensor, [Int]) {
    var rng = SeededRNG(seed: seed)
    let d = centres[0].count
    var data = [Float](), truth = [Int]()
    for i in 0..<(perBlob * centres.count) {
        let b = i % centres.count
        truth.append(b)
        for j in 0..<d { data.append(centres[b][j] + spread * rng.nextNormal()) }
    }
    return (Tensor(unchecked: [truth.count, d], data: data), truth)
}

@Suite struct KMeansTests {
    @Test func handCheckedLine() throws {
        // Two obvious pairs on a line: centres 0.5 and 10.5, inertia 4 × 0.25.
        let x = Tensor(unchecked: [4, 1], data: [0, 1, 10, 11])
        var rng = SeededRNG(seed: 1)
        let r = try KMeans.fit(x, k: 2, rng: &rng)
        #expect(r.centroids.data.sorted() == [0.5, 10.5])
        #expect(r.assignment[0] == r.assignment[1] && r.assignment[2] == r.assignment[3] && r.assignment[0] != r.assignment[2])
        #expect(abs(r.inertia - 1) < 1e-6)
        #expect(r.centroids.data[r.assignment[2]] == 10.5)
    }

    @Test func recoversSeparatedBlobs() throws {
        var crng = SeededRNG(seed: 11)
        let centres = (0..<5).map { _ in (0..<8).map { _ in 20 * crng.nextNormal() } }
        let (x, truth) = gaussianBlobs(centres, perBlob: 60, spread: 0.5, seed: 12)
        var rng = SeededRNG(seed: 2)
        let r = try KMeans.fit(x, k: 5, rng: &rng)
        // Each blob maps to one cluster and no two blobs share one.
        var map = [Int: Int]()
        for (i, b) in truth.enumerated() {
            if let c = map[b] { #expect(c == r.assignment[i]) } else { map[b] = r.assignment[i] }
        }
        #expect(Set(map.values).count == 5)
        for (b, c) in map {
            let got = Array(r.centroids.data[(c * 8)..<((c + 1) * 8)])
            #expect(closenessFailure(got, centres[b], atol: 0.3, rtol: 0) == nil, "blob \(b)")
        }
        // Inertia ≈ n·d·spread².
        #expect(abs(r.inertia / Float(300 * 8 * 0.25) - 1) < 0.2)
    }

    @Test(arguments: [(300, 20, 7), (600, 33, 16), (257, 3, 1)])
    func matchesReference(_ shape: (Int, Int, Int)) throws {
        let (n, d, k) = shape
        // Latent structure keeps Lloyd busy for several rounds; an offset exercises centring.
        var rng0 = SeededRNG(seed: 21)
        let z = (0..<(n * 2)).map { _ in rng0.nextNormal() }
        let w = (0..<(2 * d)).map { _ in rng0.nextNormal() }
        var data = [Float](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d { data[i * d + j] = 5 + z[2 * i] * w[j] + z[2 * i + 1] * w[d + j] + 0.05 * rng0.nextNormal() } }
        let x = Tensor(unchecked: [n, d], data: data)
        var r1 = SeededRNG(seed: 3), r2 = SeededRNG(seed: 3)
        let fast = try KMeans.fit(x, k: k, iterations: 12, rng: &r1)
        let slow = try KMeans.fitReference(x, k: k, iterations: 12, rng: &r2)
        #expect(fast.assignment == slow.assignment)
        #expect(closenessFailure(fast.centroids, slow.centroids, atol: 1e-4, rtol: 1e-4) == nil)
        #expect(abs(fast.inertia - slow.inertia) <= 1e-4 * slow.inertia + 1e-6)
        #expect(r1 == r2, "both paths draw the same numbers")
    }

    @Test func seedingMatchesReference() throws {
        let x = testTensor([400, 10], seed: 31)
        var r1 = SeededRNG(seed: 5), r2 = SeededRNG(seed: 5)
        let rows = KMeans.CenteredRows(x.data, n: 400, d: 10)
        let fast = rows.uncentred(KMeans.plusPlusCentres(rows, k: 16, rng: &r1))
        let slow = KMeans.plusPlusCentresReference(x.data, n: 400, d: 10, k: 16, rng: &r2)
        #expect(closenessFailure(fast, slow, atol: 1e-6, rtol: 1e-6) == nil)
        #expect(KMeans.seedingTrials(k: 128) == 6)
        #expect(KMeans.seedingTrials(k: 1) == 2)
    }

    @Test func zeroIterationsGiveDataRows() throws {
        let x = testTensor([50, 4], seed: 41)
        var rng = SeededRNG(seed: 6)
        let r = try KMeans.fit(x, k: 6, iterations: 0, rng: &rng)
        let rows = Set((0..<50).map { Array(x.data[($0 * 4)..<($0 * 4 + 4)]) })
        for c in 0..<6 { #expect(rows.contains(Array(r.centroids.data[(c * 4)..<(c * 4 + 4)]))) }
        #expect(Set((0..<6).map { Array(r.centroids.data[($0 * 4)..<($0 * 4 + 4)]) }).count == 6, "k-means++ picks distinct rows")
    }

    @Test func sameSeedSameResult() throws {
        let x = testTensor([200, 6], seed: 42)
        var a = SeededRNG(seed: 7), b = SeededRNG(seed: 7), c = SeededRNG(seed: 8)
        let (ra, rb, rc) = (try KMeans.fit(x, k: 5, rng: &a), try KMeans.fit(x, k: 5, rng: &b), try KMeans.fit(x, k: 5, rng: &c))
        #expect(ra.centroids == rb.centroids && ra.assignment == rb.assignment && ra.inertia == rb.inertia)
        #expect(ra.centroids != rc.centroids)
    }

    @Test func duplicatePointsAndMoreClustersThanDistinctRows() throws {
        // Three distinct rows, each four times; five clusters: empty clusters get moved, nothing traps.
        let base: [[Float]] = [[0, 0], [3, 0], [0, 4]]
        let x = Tensor(unchecked: [12, 2], data: (0..<12).flatMap { base[$0 % 3] })
        var rng = SeededRNG(seed: 9)
        let r = try KMeans.fit(x, k: 5, rng: &rng)
        #expect(r.inertia == 0)
        #expect(r.centroids.data.allSatisfy { $0.isFinite })
        for i in 0..<12 {
            let c = r.assignment[i]
            #expect(Array(r.centroids.data[(c * 2)..<(c * 2 + 2)]) == base[i % 3])
        }
    }

    @Test func emptyClustersTakeFarthestRows() {
        var moved: [(Int, Int)] = []
        KMeans.relocateEmpty(counts: [2, 0, 3, 0], distances: [1, 9, 4, 9, 0]) { moved.append(($0, $1)) }
        #expect(moved.map(\.0) == [1, 3] && moved.map(\.1) == [1, 3])
    }

    @Test func nearestReturnsDistinctMembers() throws {
        let x = testTensor([90, 5], seed: 51)
        var rng = SeededRNG(seed: 10)
        let fit = try KMeans.fit(x, k: 12, rng: &rng)
        let idx = try KMeans.nearest(x, to: fit.centroids)
        #expect(idx.count == 12 && Set(idx).count == 12)
        #expect(idx.allSatisfy { (0..<90).contains($0) })
        #expect(idx == (try KMeans.nearestReference(x, to: fit.centroids)))
        // Each representative belongs to its own centre's cluster here (compact clusters).
        for (c, i) in idx.enumerated() { #expect(fit.assignment[i] == c) }
    }

    @Test func nearestResolvesClaimsClosestFirst() throws {
        // Both centroids are nearest row 0, centroid 1 more so: it keeps row 0, centroid 0 moves on.
        let x = Tensor(unchecked: [3, 1], data: [0, 5, -7])
        let c = Tensor(unchecked: [2, 1], data: [1, 0.1])
        #expect(try KMeans.nearest(x, to: c) == [1, 0])
        #expect(try KMeans.nearestReference(x, to: c) == [1, 0])
        // More centroids than rows: repeats only once every row is used.
        let many = Tensor(unchecked: [4, 1], data: [0, 0, 5, -7])
        let idx = try KMeans.nearest(x, to: many)
        #expect(Set(idx) == [0, 1, 2])
    }

    @Test func badInputThrows() throws {
        var rng = SeededRNG(seed: 1)
        let x = testTensor([10, 3], seed: 61)
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch { return "\(error)" }
        }
        #expect(message { _ = try KMeans.fit(x, k: 11, rng: &rng) }.contains("need at least 11 points, got 10"))
        #expect(message { _ = try KMeans.fit(x, k: 0, rng: &rng) }.contains("k must be >= 1"))
        #expect(message { _ = try KMeans.fit(x, k: 2, iterations: -1, rng: &rng) }.contains("iterations must be >= 0"))
        #expect(message { _ = try KMeans.fit(Tensor(unchecked: [10], data: x.data.prefix(10).map { $0 }), k: 2, rng: &rng) }.contains("must be a matrix"))
        #expect(message { _ = try KMeans.fit(Tensor(unchecked: [0, 3], data: []), k: 1, rng: &rng) }.contains("no rows"))
        var bad = x
        bad.withUnsafeMutableValues { $0[7] = .nan }
        #expect(message { _ = try KMeans.fit(bad, k: 2, rng: &rng) }.contains("row 2 holds nan"))
        #expect(message { _ = try KMeans.nearest(x, to: testTensor([2, 4], seed: 1)) }.contains("centroids have 4 features, points have 3"))
    }
}
