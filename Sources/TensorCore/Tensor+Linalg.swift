// Matrix products: batched matmul through OpenBLAS sgemm, split on our pool by shape alone (see
// Kernels/Gemm.swift), with optional transposes so the autograd rules never materialise a
// transposed copy.
import Kernels

extension Tensor {
    /// Matrix product of the last two axes; leading (batch) axes broadcast.
    /// `transposeA` / `transposeB` use the transpose of that operand's last two axes.
    ///
    ///     let c = try a.matmul(b)          // [m, k] x [k, n] -> [m, n]
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor {
        var a = self, b = other
        var squeezeRow = false, squeezeCol = false
        if a.rank == 1 { a = Tensor(unchecked: [1, a.count], data: a.data); squeezeRow = true }
        if b.rank == 1 { b = Tensor(unchecked: [b.count, 1], data: b.data); squeezeCol = true }
        let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transposeA ? (ac, ar) : (ar, ac)
        let (k2, n) = transposeB ? (bc, br) : (br, bc)
        guard k == k2 else {
            throw TensorError("matmul: inner dimensions differ: \(shape.shapeText)\(transposeA ? "ᵀ" : "") and \(other.shape.shapeText)\(transposeB ? "ᵀ" : "") (\(k) vs \(k2))")
        }
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        let batch = try broadcastShape(batchA, batchB, op: "matmul")
        var outShape = batch + [m, n]
        try Tensor.checkShape(outShape, op: "matmul")
        let nb = batch.reduce(1, *)
        if batchA != batch { a = try a.expand(to: batch + [ar, ac]) }
        if batchB != batch { b = try b.expand(to: batch + [br, bc]) }
        let out = a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                Tensor(uninitializedShape: outShape) { dst in
                    if dst.isEmpty { return }
                    if k == 0 { for i in dst.indices { dst[i] = 0 }; return }
                    let (pa, pb, pc) = (pa.baseAddress!, pb.baseAddress!, dst.baseAddress!)
                    // Small products of a batch run one per pool task; a large one is split by
                    // sgemmParallel. Either way the blocks follow from the shape alone.
                    if nb > 1 && GemmPartition(m: m, n: n, k: k).count <= 1 {
                        ThreadPool.run(nb) { i in
                            sgemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k,
                                  a: pa + i * ar * ac, lda: ac, b: pb + i * br * bc, ldb: bc,
                                  c: pc + i * m * n, ldc: n)
                        }
                        return
                    }
                    for i in 0..<nb {
                        sgemmParallel(transA: transposeA, transB: transposeB, m: m, n: n, k: k,
                                      a: pa + i * ar * ac, lda: ac, b: pb + i * br * bc, ldb: bc,
                                      c: pc + i * m * n, ldc: n)
                    }
                }
            }
        }
        if squeezeRow { outShape.remove(at: outShape.count - 2) }
        if squeezeCol { outShape.removeLast() }
        return Tensor(unchecked: outShape, data: out.data)
    }
}
