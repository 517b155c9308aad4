// ZCA whitening: LAPACK's eigen-decomposition against the Jacobi twin, whitened data with
// covariance λ/(λ+ε) per eigen-direction (≈ identity for large λ), and the exact inverse.
import Testing
import TestSupport
import TensorCore
@testable import Datasets

@Suite struct ZCATests {
    @Test(arguments: [1, 2, 5, 7]) func eigenMatchesJacobiTwin(_ n: Int) throws {
        var rng = SeededRNG(seed: UInt64(n))
        let b = try Tensor.randn([n, n], rng: &rng)
        var a = [Float](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { for k in 0..<n { a[i * n + j] += b.data[i * n + k] * b.data[j * n + k] } } }
        let fast = try ZCA.symmetricEigen(a, n: n)
        let ref = ZCA.symmetricEigenReference(a, n: n)
        #expect(closenessFailure(fast.values, ref.values, atol: 1e-4, rtol: 1e-4) == nil)
        // Eigenvectors agree up to sign: compare |<u_k, v_k>| = 1, and A u = λ u.
        for k in 0..<n {
            let dot = (0..<n).reduce(Float(0)) { $0 + fast.vectors[$1 * n + k] * ref.vectors[$1 * n + k] }
            #expect(abs(abs(dot) - 1) < 1e-3, "eigenvector \(k): |dot| \(abs(dot))")
            for i in 0..<n {
                let av = (0..<n).reduce(Float(0)) { $0 + a[i * n + $1] * fast.vectors[$1 * n + k] }
                #expect(abs(av - fast.values[k] * fast.vectors[i * n + k]) < 1e-3 * (1 + abs(fast.values[k])))
            }
        }
    }

    @Test func workspaceNeverBelowLAPACKsMinimum() {
        // CIFAR-10's 3,072 pixel values: ssyevd's query answers 18,892,801 reals as a Float,
        // which holds 18,892,800; that count made ssyevd reject its own workspace.
        let n = 3072, need = 1 + 6 * n + 2 * n * n
        #expect(Int(Float(need)) < need)
        let (reals, integers) = ZCA.workspace(n: n, queried: Float(need), queriedIntegers: Int32(3 + 5 * n))
        #expect(Int(reals) == need)
        #expect(Int(integers) == 3 + 5 * n)
        // A larger answer from the query is kept.
        #expect(ZCA.workspace(n: 4, queried: 1000, queriedIntegers: 100) == (1000, 100))
    }

    @Test func whitensAndInverts() throws {
        // Correlated 2x2x2 "images" (D = 8): a random mixing of independent features.
        var rng = SeededRNG(seed: 9)
        let n = 400, d = 8
        let z = try Tensor.randn([n, d], rng: &rng)
        let mix = try Tensor.randn([d, d], rng: &rng)
        let x = try (try z.matmul(mix) * 3 + 0.5).reshaped([n, 2, 2, 2])
        let zca = try ZCA.fit(x, eps: 0.1)
        let w = try zca.whiten(x)
        // Covariance of the whitened data is U diag(λ/(λ+ε)) Uᵀ for the data's covariance U diag(λ) Uᵀ
        // (computed here with the Jacobi twin in Double).
        let flat = try w.reshaped([n, d])
        let cov = try flat.matmul(flat, transposeA: true) * (1 / Float(n - 1))
        let xc = try x.reshaped([n, d])
        var xcov = [Float](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0..<d {
                var s = 0.0
                for r in 0..<n { s += Double(xc.data[r * d + i] - zca.mean[i]) * Double(xc.data[r * d + j] - zca.mean[j]) }
                xcov[i * d + j] = Float(s / Double(n - 1))
            }
        }
        let (lambda, u) = ZCA.symmetricEigenReference(xcov, n: d)
        var expected = [Float](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { for k in 0..<d { expected[i * d + j] += u[i * d + k] * u[j * d + k] * lambda[k] / (lambda[k] + 0.1) } } }
        #expect(closenessFailure(cov.data, expected, atol: 2e-3, rtol: 1e-2) == nil)
        #expect(lambda.last! > 10, "the test data should have strong directions")
        #expect(closenessFailure(try zca.unwhiten(w), x, atol: 1e-3, rtol: 1e-3) == nil)
        #expect(throws: DataError.self) { try zca.whiten(Tensor.zeros([1, 1, 2, 2])) }
        #expect(throws: DataError.self) { try ZCA.fit(Tensor.zeros([1, 2, 2, 2])) }
        #expect(throws: DataError.self) { try ZCA.fit(x, eps: 0) }
    }

    @Test func epsDampsWeakDirections() throws {
        // A direction with variance far below eps is scaled by about 1/sqrt(eps), not blown up.
        var rng = SeededRNG(seed: 2)
        var data = [Float]()
        for _ in 0..<300 { data += [rng.nextNormal(), 1e-3 * rng.nextNormal()] }
        let x = Tensor(unchecked: [300, 2, 1, 1], data: data)
        let w = try ZCA.fit(x, eps: 0.1).whiten(x)
        let weak = stride(from: 1, to: 600, by: 2).map { w.data[$0] }
        #expect(weak.map(abs).max()! < 0.05)
    }
}

extension ZCATests {
    @Test func wholeDataSetIsWhitenedFromItsTrainPixels() throws {
        var rng = SeededRNG(seed: 5)
        func split(_ n: Int) throws -> DatasetSplit {
            try DatasetSplit(images: try Tensor.randn([n, 1, 2, 2], rng: &rng), labels: (0..<n).map { $0 % 2 }, classCount: 2)
        }
        let norm = Normalization(mean: [0.5], std: [0.25])
        let data = try Dataset(name: "tiny", classNames: ["a", "b"], normalization: norm, train: split(50), test: split(10),
                               provenance: DatasetProvenance(source: "test", root: "", transform: "none"))
        let (white, zca) = try ZCA.whitened(data)
        #expect(white.name == "tiny+zca" && white.provenance.transform.contains("zca(eps 0.1)"))
        #expect(white.train.labels == data.train.labels && white.test.count == 10)
        // The transform was fitted on [0, 1] pixels, and inverts back to them.
        let pixels = try norm.denormalized(data.test.images)
        #expect(closenessFailure(try zca.whiten(pixels), white.test.images, atol: 1e-5) == nil)
        #expect(closenessFailure(try zca.unwhiten(white.test.images), pixels, atol: 1e-4) == nil)
        #expect(closenessFailure(zca.mean, try norm.denormalized(data.train.images).mean(axes: [0]).data, atol: 1e-5) == nil)
    }
}
