// Gradient of a convolution with respect to its weight and bias: a reduction over the batch,
// so it is split into fixed image chunks combined in chunk order (bit-identical for any width).
// This file holds the im2col path and the bias sum; the Winograd path is Conv2d+WinogradWeight.swift.

/// How `conv2dBackwardWeight` cuts the batch: chunks of `chunkImages` images (the unit of
/// parallel work and of the fixed-order sum), each processed in blocks of `blockImages` images
/// whose patch matrices fit in a bounded buffer. Depends on the geometry only, never on threads.
struct WeightGradientChunking {
    let chunkImages: Int
    let blockImages: Int
    let chunkCount: Int

    /// Blocks of about 256 output columns (the patch matrix stays in L2; measured best of
    /// 256...2048); at most 16 chunks, so the partial sums stay small.
    init(_ g: Conv2dGeometry) {
        let ohw = g.outHeight * g.outWidth
        blockImages = max(1, min(g.batch, 256 / max(1, ohw)))
        let perChunk = max(blockImages, (g.batch + 15) / 16)
        chunkImages = max(1, perChunk)
        chunkCount = (g.batch + chunkImages - 1) / chunkImages
    }
}

/// Gradient with respect to the weight (and the bias when `dbias` is not nil), both overwritten.
///
/// x: `[n, c, h, w]`, dy: `[n, oc, oh, ow]`, dweight: `[oc, c, kh, kw]`, dbias: `[oc]`.
public func conv2dBackwardWeight(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
    dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>?
) {
    precondition(g.isValid, "conv2dBackwardWeight: invalid geometry \(g)")
    let wc = g.weightCount, oc = g.outChannels
    if g.batch == 0 {
        dweight.update(repeating: 0, count: wc)
        dbias?.update(repeating: 0, count: oc)
        return
    }
    if winogradApplies(g) {
        conv2dBackwardWeightWinograd(g, x: x, dy: dy, dweight: dweight, dbias: dbias)
        return
    }
    let plan = WeightGradientChunking(g)
    // partials: [chunk, oc * c*kh*kw], chunk `i`'s weight gradient.
    let stride = wc
    let partials = UnsafeMutablePointer<Float>.allocate(capacity: plan.chunkCount * stride)
    defer { partials.deallocate() }
    forEachWorkRange(plan.chunkCount) { chunks in
        let cols = plan.blockImages * g.outHeight * g.outWidth
        let col = UnsafeMutablePointer<Float>.allocate(capacity: g.patchCount * cols)
        let dyT = UnsafeMutablePointer<Float>.allocate(capacity: oc * cols)
        defer { col.deallocate(); dyT.deallocate() }
        for chunk in chunks {
            let lo = chunk * plan.chunkImages
            let hi = min(g.batch, lo + plan.chunkImages)
            weightGradientOfChunk(g, images: lo..<hi, blockImages: plan.blockImages, x: x, dy: dy,
                                  col: col, dyT: dyT, out: partials + chunk * stride)
        }
    }
    // Fixed-order combination: chunk 0 + chunk 1 + ..., element-wise, split over the pool.
    ThreadPool.forRanges(stride, minChunk: 4096) { range in
        for e in range {
            var s = partials[e]
            for chunk in 1..<max(1, plan.chunkCount) { s += partials[chunk * stride + e] }
            dweight[e] = s
        }
    }
    if let dbias { biasGradient(g, dy: dy, dbias: dbias) }
}

/// One chunk's weight gradient, written to `out` (`[oc, c*kh*kw]`).
/// Per block: `out_w[oc, c*kh*kw] += dyT[oc, cols] * col[c*kh*kw, cols]^T`, where `dyT` gathers the
/// block's output gradients side by side so the GEMM's inner dimension is long.
private func weightGradientOfChunk(
    _ g: Conv2dGeometry, images: Range<Int>, blockImages: Int,
    x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
    col: UnsafeMutablePointer<Float>, dyT: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>
) {
    let ohw = g.outHeight * g.outWidth
    let (k, oc) = (g.patchCount, g.outChannels)
    var first = true
    var b0 = images.lowerBound
    while b0 < images.upperBound {
        let b1 = min(images.upperBound, b0 + blockImages)
        let cols = (b1 - b0) * ohw
        for b in b0..<b1 {
            let off = (b - b0) * ohw
            im2col(g, x: x + b * g.inputPlaneCount, col: col + off, ldCol: cols)
            if b1 - b0 > 1 {
                let dyb = dy + b * g.outputPlaneCount
                for o in 0..<oc { (dyT + o * cols + off).update(from: dyb + o * ohw, count: ohw) }
            }
        }
        // One image's dy already is [oc, oh*ow]; several are gathered side by side.
        let dyBlock = b1 - b0 > 1 ? UnsafePointer(dyT) : dy + b0 * g.outputPlaneCount
        sgemm(transA: false, transB: true, m: oc, n: k, k: cols,
              a: dyBlock, lda: cols, b: col, ldb: cols, beta: first ? 0 : 1, c: out, ldc: k)
        first = false
        b0 = b1
    }
}

/// dbias[o] = sum of dy over images and positions: per plane a SIMD sum in fixed lane order, then
/// the planes in image order in Double; threads over channels, so any width gives the same bits.
func biasGradient(_ g: Conv2dGeometry, dy: UnsafePointer<Float>, dbias: UnsafeMutablePointer<Float>) {
    let ohw = g.outHeight * g.outWidth
    ThreadPool.forRanges(g.outChannels) { channels in
        for o in channels {
            var s = 0.0
            for b in 0..<g.batch { s += Double(sumOfFloats(dy + (b * g.outChannels + o) * ohw, ohw)) }
            dbias[o] = Float(s)
        }
    }
}

/// The sum of `count` floats with 16 running lane sums, combined in lane order at the end.
@inline(__always)
func sumOfFloats(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
    var lanes = SIMD16<Float>.zero
    var i = 0
    while i + 16 <= count {
        lanes += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
        i += 16
    }
    var s = lanes.sum()
    while i < count { s += p[i]; i += 1 }
    return s
}
