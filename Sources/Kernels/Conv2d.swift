// Fast 2-D convolution (NCHW, groups = 1): im2col + OpenBLAS sgemm, threads over images.
// Winograd for 3x3 stride-1 layers lives in Conv2d+Winograd.swift; plain twins in
// Conv2d+Reference.swift. Shapes are checked by callers (TensorCore); here only preconditions.

/// Convolution forward pass: `y = conv(x, weight) + bias`, `y` overwritten.
///
/// x: `[n, c, h, w]`, weight: `[oc, c, kh, kw]`, bias: `[oc]` or nil, y: `[n, oc, oh, ow]`.
public func conv2dForward(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>
) {
    precondition(g.isValid, "conv2dForward: invalid geometry \(g)")
    if g.batch == 0 { return }
    conv2dForwardIm2col(g, x: x, weight: weight, bias: bias, y: y)
}

/// Forward pass by im2col + GEMM, one image per GEMM, images spread over the pool.
/// Each image's GEMM is `y_b[oc, oh*ow] = weight[oc, c*kh*kw] * col_b[c*kh*kw, oh*ow]`.
func conv2dForwardIm2col(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>
) {
    let ohw = g.outHeight * g.outWidth
    let k = g.patchCount
    // A 1x1 stride-1 unpadded convolution needs no patch matrix: the image already is one.
    let direct = g.kernelH == 1 && g.kernelW == 1 && g.stride == 1 && g.padding == 0
    forEachImageRange(g.batch) { range in
        let col = direct ? nil : UnsafeMutablePointer<Float>.allocate(capacity: k * ohw)
        defer { col?.deallocate() }
        for b in range {
            let xb = x + b * g.inputPlaneCount
            let yb = y + b * g.outputPlaneCount
            if let bias {
                for o in 0..<g.outChannels { (yb + o * ohw).update(repeating: bias[o], count: ohw) }
            }
            if let col { im2col(g, x: xb, col: col, ldCol: ohw) }
            sgemm(transA: false, transB: false, m: g.outChannels, n: ohw, k: k,
                  a: weight, lda: k, b: UnsafePointer(col) ?? xb, ldb: ohw,
                  beta: bias == nil ? 0 : 1, c: yb, ldc: ohw)
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
    let ohw = g.outHeight * g.outWidth
    let k = g.patchCount
    // Per image: dcol[c*kh*kw, oh*ow] = weight^T * dy_b, then col2im scatters it onto dx_b.
    forEachImageRange(g.batch) { range in
        let col = UnsafeMutablePointer<Float>.allocate(capacity: k * ohw)
        defer { col.deallocate() }
        for b in range {
            let dxb = dx + b * g.inputPlaneCount
            sgemm(transA: true, transB: false, m: k, n: ohw, k: g.outChannels,
                  a: weight, lda: k, b: dy + b * g.outputPlaneCount, ldb: ohw,
                  beta: 0, c: col, ldc: ohw)
            dxb.update(repeating: 0, count: g.inputPlaneCount)
            col2im(g, col: col, ldCol: ohw, dx: dxb)
        }
    }
}

/// Splits images over the pool; with at least as many images as threads, each task issues
/// single-threaded GEMMs, otherwise OpenBLAS threads each GEMM itself. OpenBLAS splits a GEMM
/// over rows and columns only, so each output element's sum is the same either way.
func forEachImageRange(_ count: Int, _ body: (Range<Int>) -> Void) {
    if count >= ThreadPool.width && ThreadPool.width > 1 {
        withSingleThreadedBLAS { ThreadPool.forRanges(count, body) }
    } else {
        body(0..<count)
    }
}
