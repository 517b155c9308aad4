// Weight gradient of a 3x3 stride-1 convolution through the F(4x4, 3x3) transforms: since
// Y = A^T [(G k G^T) . (B^T d B)] A, dk = G^T [sum over tiles (A dY A^T) . (B^T d B)] G.
// Tiles are cut into fixed chunks summed in chunk order, so results do not depend on threads.

/// `conv2dBackwardWeight` for geometries where `winogradApplies`; same contract.
func conv2dBackwardWeightWinograd(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
    dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>?
) {
    let (c, oc) = (g.inChannels, g.outChannels)
    let layout = WinogradTiles(g: g, tilesY: (g.outHeight + 3) / 4, tilesX: (g.outWidth + 3) / 4)
    let tileCount = g.batch * layout.tilesY * layout.tilesX
    let bt = winogradBlockTiles
    let blocks = (tileCount + bt - 1) / bt
    // At most 4 chunks of whole blocks: the fixed-order unit of the reduction (measured: 4
    // beat 2 and 8; more chunks cost more partial sums to add up).
    let blocksPerChunk = (blocks + 3) / 4
    let chunks = (blocks + blocksPerChunk - 1) / blocksPerChunk
    let uCount = 36 * oc * c
    // partials: [chunk, 36, oc, c], each chunk's gradient of the transformed weights.
    let partials = UnsafeMutablePointer<Float>.allocate(capacity: chunks * uCount)
    defer { partials.deallocate() }
    forEachWorkRange(chunks) { range in
        let v = UnsafeMutablePointer<Float>.allocate(capacity: 36 * c * bt)
        let dm = UnsafeMutablePointer<Float>.allocate(capacity: 36 * oc * bt)
        defer { v.deallocate(); dm.deallocate() }
        for chunk in range {
            let du = partials + chunk * uCount
            let firstBlock = chunk * blocksPerChunk
            for block in firstBlock..<min(blocks, firstBlock + blocksPerChunk) {
                let t0 = block * bt, count = min(tileCount, t0 + bt) - t0
                winogradTransformInput(layout, x: x, firstTile: t0, count: count, v: v)
                winogradTransformOutputGradient(layout, dy: dy, firstTile: t0, count: count, dm: dm)
                // du[pos] (+)= dm[pos] [oc, tiles] * v[pos]^T [tiles, c]
                for pos in 0..<36 {
                    sgemm(transA: false, transB: true, m: oc, n: c, k: count,
                          a: dm + pos * oc * bt, lda: bt, b: v + pos * c * bt, ldb: bt,
                          beta: block == firstBlock ? 0 : 1, c: du + pos * oc * c, ldc: c)
                }
            }
        }
    }
    // Sum the chunks in order into chunk 0 (element-wise, so any split gives the same bits).
    if chunks > 1 {
        ThreadPool.forRanges(uCount, minChunk: 16384) { range in
            for chunk in 1..<chunks {
                let src = partials + chunk * uCount
                for e in range { partials[e] += src[e] }
            }
        }
    }
    // dk = G^T du G for every (output, input) channel pair.
    let gm: [Float] = [
        1.0 / 4, 0, 0, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6,
        1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 24, -1.0 / 12, 1.0 / 6, 0, 0, 1,
    ]
    ThreadPool.forRanges(oc * c, minChunk: 64) { pairs in
        let t = UnsafeMutablePointer<Float>.allocate(capacity: 18)
        defer { t.deallocate() }
        for pair in pairs {
            // t = du G: [6, 3]; dk = G^T t: [3, 3].
            for i in 0..<6 {
                for j in 0..<3 {
                    var s: Float = 0
                    for k in 0..<6 { s += partials[(i * 6 + k) * oc * c + pair] * gm[k * 3 + j] }
                    t[i * 3 + j] = s
                }
            }
            for i in 0..<3 {
                for j in 0..<3 {
                    var s: Float = 0
                    for k in 0..<6 { s += gm[k * 3 + i] * t[k * 3 + j] }
                    dweight[pair * 9 + i * 3 + j] = s
                }
            }
        }
    }
    if let dbias { biasGradient(g, dy: dy, dbias: dbias) }
}

/// A applied to four values: the six-point expansion that is the adjoint of A^T.
@inline(__always)
func winogradA(_ q: (Lanes, Lanes, Lanes, Lanes)) -> (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes) {
    let (q0, q1, q2, q3) = q
    let s02 = q0 + q2, s13 = q1 + q3
    let e = q0 + 4 * q2, f = 2 * q1 + 8 * q3
    return (q0, s02 + s13, s02 - s13, e + f, e - f, q3)
}

/// dM = A dY A^T for `count` tiles: dm[pos, o, lane] from each 4x4 tile of dy (zeros past the
/// output's edge, where the forward pass stored nothing).
func winogradTransformOutputGradient(
    _ layout: WinogradTiles, dy: UnsafePointer<Float>, firstTile: Int, count: Int, dm: UnsafeMutablePointer<Float>
) {
    let g = layout.g
    let (oc, oh, ow, bt) = (g.outChannels, g.outHeight, g.outWidth, winogradBlockTiles)
    let q = UnsafeMutablePointer<Lanes>.allocate(capacity: 16)
    let t = UnsafeMutablePointer<Lanes>.allocate(capacity: 24)
    // Per lane of the current group: offset of the tile's first output in channel 0 of its
    // image, and how many of its 4 rows and 4 columns lie inside the output.
    let base = UnsafeMutablePointer<Int>.allocate(capacity: 3 * Lanes.scalarCount)
    defer { q.deallocate(); t.deallocate(); base.deallocate() }
    let rows = base + Lanes.scalarCount, cols = base + 2 * Lanes.scalarCount
    for group in stride(from: 0, to: count, by: Lanes.scalarCount) {
        let lanes = min(Lanes.scalarCount, count - group)
        var full = lanes == Lanes.scalarCount
        for lane in 0..<lanes {
            let (b, oy, ox) = layout.locate(firstTile + group + lane)
            base[lane] = b * oc * oh * ow + oy * ow + ox
            rows[lane] = min(4, oh - oy)
            cols[lane] = min(4, ow - ox)
            full = full && rows[lane] == 4 && cols[lane] == 4
        }
        for o in 0..<oc {
            let plane = dy + o * oh * ow
            if !full { for e in 0..<16 { q[e] = .zero } }
            for lane in 0..<lanes {
                let tile = plane + base[lane]
                for i in 0..<rows[lane] {
                    let row = tile + i * ow
                    for j in 0..<cols[lane] { q[i * 4 + j][lane] = row[j] }
                }
            }
            // Rows: t = q A^T ([4, 6]); then columns: dm = A t ([6, 6]).
            for i in 0..<4 {
                let r = winogradA((q[i * 4], q[i * 4 + 1], q[i * 4 + 2], q[i * 4 + 3]))
                (t[i * 6], t[i * 6 + 1], t[i * 6 + 2], t[i * 6 + 3], t[i * 6 + 4], t[i * 6 + 5]) = r
            }
            for j in 0..<6 {
                let r = winogradA((t[j], t[6 + j], t[12 + j], t[18 + j]))
                @inline(__always) func store(_ i: Int, _ value: Lanes) {
                    UnsafeMutableRawPointer(dm + ((i * 6 + j) * oc + o) * bt + group).storeBytes(of: value, as: Lanes.self)
                }
                store(0, r.0); store(1, r.1); store(2, r.2); store(3, r.3); store(4, r.4); store(5, r.5)
            }
        }
    }
}
