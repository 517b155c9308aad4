// Fast 2-D convolution (NCHW, groups = 1): the forward and input-gradient entry points and their
// im2col + OpenBLAS sgemm path. Winograd lives in Conv2d+Winograd*.swift, the weight gradient in
// Conv2d+BackwardWeight.swift, plain twins in Conv2d+Reference.swift. Callers check shapes.

/// Convolution forward pass: `y = conv(x, weight) + bias`, `y` overwritten.
///
/// x: `[n, c, h, w]`, weight: `[oc, c, kh, kw]`, bias: `[oc]` or nil, y: `[n, oc, oh, ow]`.
public func conv2dForward(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>
) {
    precondition(g.isValid, "conv2dForward: invalid geometry \(g)")
    if g.batch == 0 { return }
    if winogradApplies(g) {
        conv2dForwardWinograd(g, x: x, weight: weight, bias: bias, y: y)
    } else {
        conv2dForwardIm2col(g, x: x, weight: weight, bias: bias, y: y)
    }
}

/// Images per GEMM: enough that small images still give the GEMM about 256 columns (measured:
/// 256 beat 512, 1024 and 2048 on ConvNet-3 shapes, since the patch matrix stays in L2). Depends
/// only on the geometry, so blocks (and results) are the same for any thread count.
func imagesPerGEMM(_ g: Conv2dGeometry) -> Int {
    max(1, min(16, 256 / max(1, g.outHeight * g.outWidth)))
}

/// Forward pass by im2col + GEMM over blocks of images, blocks spread over the pool. Per block:
/// `out[oc, nb*oh*ow] = weight[oc, c*kh*kw] * col[c*kh*kw, nb*oh*ow]`; with one image per block
/// the GEMM writes straight into y, otherwise `out` is scattered back to `[nb, oc, oh*ow]`.
func conv2dForwardIm2col(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>
) {
    let ohw = g.outHeight * g.outWidth
    let (k, oc) = (g.patchCount, g.outChannels)
    let per = imagesPerGEMM(g)
    // A 1x1 stride-1 unpadded convolution needs no patch matrix: the image already is one.
    let direct = per == 1 && g.kernelH == 1 && g.kernelW == 1 && g.stride == 1 && g.padding == 0
    forEachWorkRange((g.batch + per - 1) / per) { blocks in
        let col = direct ? nil : UnsafeMutablePointer<Float>.allocate(capacity: k * per * ohw)
        let out = per == 1 ? nil : UnsafeMutablePointer<Float>.allocate(capacity: oc * per * ohw)
        defer { col?.deallocate(); out?.deallocate() }
        for block in blocks {
            let b0 = block * per, nb = min(g.batch, b0 + per) - b0
            let cols = nb * ohw
            if let col {
                for i in 0..<nb { im2col(g, x: x + (b0 + i) * g.inputPlaneCount, col: col + i * ohw, ldCol: cols) }
            }
            let patches = UnsafePointer(col) ?? (x + b0 * g.inputPlaneCount)
            guard let out else {
                // One image: GEMM straight into y, on top of the bias.
                let yb = y + b0 * g.outputPlaneCount
                if let bias { for o in 0..<oc { (yb + o * ohw).update(repeating: bias[o], count: ohw) } }
                sgemm(transA: false, transB: false, m: oc, n: cols, k: k, a: weight, lda: k,
                      b: patches, ldb: cols, beta: bias == nil ? 0 : 1, c: yb, ldc: cols)
                continue
            }
            sgemm(transA: false, transB: false, m: oc, n: cols, k: k, a: weight, lda: k,
                  b: patches, ldb: cols, beta: 0, c: out, ldc: cols)
            for i in 0..<nb {
                let yb = y + (b0 + i) * g.outputPlaneCount
                for o in 0..<oc {
                    let src = out + o * cols + i * ohw, dst = yb + o * ohw
                    if let bias {
                        let bo = bias[o]
                        for p in 0..<ohw { dst[p] = src[p] + bo }
                    } else {
                        dst.update(from: src, count: ohw)
                    }
                }
            }
        }
    }
}

/// Gradient of the convolution with respect to its input, `dx` overwritten.
///
/// dy: `[n, oc, oh, ow]`, weight: `[oc, c, kh, kw]`, dx: `[n, c, h, w]`.
public func conv2dBackwardInput(
    _ g: Conv2dGeometry, dy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    dx: UnsafeMutablePointer<Float>
) {
    precondition(g.isValid, "conv2dBackwardInput: invalid geometry \(g)")
    if g.batch == 0 { return }
    if let t = transposedGeometry(g), winogradApplies(t) {
        conv2dBackwardInputByForward(g, transposed: t, dy: dy, weight: weight, dx: dx)
        return
    }
    let ohw = g.outHeight * g.outWidth
    let (k, oc) = (g.patchCount, g.outChannels)
    let per = imagesPerGEMM(g)
    // Per block of images: dcol[c*kh*kw, nb*oh*ow] = weight^T * dy_block (gathered to
    // [oc, nb*oh*ow] when nb > 1), then col2im scatters each image's columns onto dx.
    forEachWorkRange((g.batch + per - 1) / per) { blocks in
        let col = UnsafeMutablePointer<Float>.allocate(capacity: k * per * ohw)
        let gathered = per == 1 ? nil : UnsafeMutablePointer<Float>.allocate(capacity: oc * per * ohw)
        defer { col.deallocate(); gathered?.deallocate() }
        for block in blocks {
            let b0 = block * per, nb = min(g.batch, b0 + per) - b0
            let cols = nb * ohw
            var dyBlock = dy + b0 * g.outputPlaneCount
            if let gathered {
                for i in 0..<nb {
                    for o in 0..<oc {
                        (gathered + o * cols + i * ohw).update(from: dy + (b0 + i) * g.outputPlaneCount + o * ohw, count: ohw)
                    }
                }
                dyBlock = UnsafePointer(gathered)
            }
            sgemm(transA: true, transB: false, m: k, n: cols, k: oc, a: weight, lda: k,
                  b: dyBlock, ldb: cols, beta: 0, c: col, ldc: cols)
            for i in 0..<nb {
                let dxb = dx + (b0 + i) * g.inputPlaneCount
                dxb.update(repeating: 0, count: g.inputPlaneCount)
                col2im(g, col: col + i * ohw, ldCol: cols, dx: dxb)
            }
        }
    }
}

/// For a stride-1 convolution with a square kernel and `padding < kernel`, the gradient with
/// respect to the input is itself a convolution of dy: channels swapped, kernel rotated by 180
/// degrees, padding `kernel - 1 - padding`. Returns that convolution's geometry, or nil.
func transposedGeometry(_ g: Conv2dGeometry) -> Conv2dGeometry? {
    guard g.stride == 1, g.kernelH == g.kernelW, g.padding <= g.kernelH - 1 else { return nil }
    return Conv2dGeometry(batch: g.batch, inChannels: g.outChannels, height: g.outHeight, width: g.outWidth,
                          outChannels: g.inChannels, kernelH: g.kernelH, kernelW: g.kernelW,
                          stride: 1, padding: g.kernelH - 1 - g.padding)
}

/// Backward input as the forward convolution of dy with the rotated, transposed weight, so it
/// takes the forward pass's fastest path (Winograd for 3x3).
func conv2dBackwardInputByForward(
    _ g: Conv2dGeometry, transposed t: Conv2dGeometry, dy: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>
) {
    // rotated: [c, oc, kh, kw], rotated[ci, o, i, j] = weight[o, ci, kh-1-i, kw-1-j]
    let (kh, kw) = (g.kernelH, g.kernelW)
    let rotated = UnsafeMutablePointer<Float>.allocate(capacity: g.weightCount)
    defer { rotated.deallocate() }
    for o in 0..<g.outChannels {
        for ci in 0..<g.inChannels {
            let src = weight + (o * g.inChannels + ci) * kh * kw
            let dst = rotated + (ci * g.outChannels + o) * kh * kw
            for e in 0..<(kh * kw) { dst[e] = src[kh * kw - 1 - e] }
        }
    }
    conv2dForward(t, x: dy, weight: rotated, bias: nil, y: dx)
}

/// Splits work items (images, GEMM blocks or reduction chunks) over the pool. Each item issues
/// its own single-threaded GEMMs, and the items are fixed by the shape, so every output element
/// comes from the same call for any thread count.
func forEachWorkRange(_ count: Int, _ body: (Range<Int>) -> Void) {
    ThreadPool.forRanges(count, body)
}
