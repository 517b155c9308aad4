// 3x3 stride-1 convolution by Winograd's minimal filtering F(4x4, 3x3): Lavin & Gray, "Fast
// Algorithms for Convolutional Neural Networks", CVPR 2016. 36 GEMMs of [oc, c] x [c, tiles]
// replace one of [oc, 9c] x [9c, 16 tiles]: 4x fewer multiplications. Weight gradient in
// Conv2d+WinogradWeight.swift; the input gradient is a forward pass (Conv2d.swift).

/// Whether the convolution kernels take the Winograd path: 3x3, stride 1, and enough channels
/// on both sides that the 36 GEMMs (`[oc, c] x [c, tiles]`) run near OpenBLAS's peak; with 3
/// channels im2col's single GEMM wins (measured).
func winogradApplies(_ g: Conv2dGeometry) -> Bool {
    g.kernelH == 3 && g.kernelW == 3 && g.stride == 1 && g.inChannels >= 16 && g.outChannels >= 16
}

/// Tiles per block: the unit of parallel work and the column count of the 36 GEMMs.
/// A multiple of the SIMD width; depends on nothing but this constant. Measured: 128 beat 64,
/// 256 and 512 on ConvNet-3 shapes (the transformed tiles stay in L2).
let winogradBlockTiles = 128

/// Convolution forward by F(4x4, 3x3). Any padding; output tiles past the edge are computed on
/// zeros and not stored. Same contract as `conv2dForward`.
func conv2dForwardWinograd(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>
) {
    precondition(g.kernelH == 3 && g.kernelW == 3 && g.stride == 1, "Winograd F(4x4,3x3) needs 3x3 stride 1")
    let (c, oc) = (g.inChannels, g.outChannels)
    let tilesY = (g.outHeight + 3) / 4, tilesX = (g.outWidth + 3) / 4
    let tileCount = g.batch * tilesY * tilesX
    if tileCount == 0 { return }
    // u: [36, oc, c], the transformed weights G g G^T, position-major so each GEMM's A is contiguous.
    let u = UnsafeMutablePointer<Float>.allocate(capacity: 36 * oc * c)
    defer { u.deallocate() }
    winogradTransformWeights(oc: oc, c: c, weight: weight, u: u)
    let bt = winogradBlockTiles
    let blocks = (tileCount + bt - 1) / bt
    let layout = WinogradTiles(g: g, tilesY: tilesY, tilesX: tilesX)
    forEachWorkRange(blocks) { range in
        // v: [36, c, bt] transformed input tiles; m: [36, oc, bt] products.
        let v = UnsafeMutablePointer<Float>.allocate(capacity: 36 * c * bt)
        let m = UnsafeMutablePointer<Float>.allocate(capacity: 36 * oc * bt)
        defer { v.deallocate(); m.deallocate() }
        for block in range {
            let t0 = block * bt, count = min(tileCount, t0 + bt) - t0
            winogradTransformInput(layout, x: x, firstTile: t0, count: count, v: v)
            for pos in 0..<36 {
                sgemm(transA: false, transB: false, m: oc, n: count, k: c,
                      a: u + pos * oc * c, lda: c, b: v + pos * c * bt, ldb: bt,
                      c: m + pos * oc * bt, ldc: bt)
            }
            winogradTransformOutput(layout, m: m, bias: bias, firstTile: t0, count: count, y: y)
        }
    }
}

/// Where tile `t` sits: image, tile row and tile column, and the sizes needed to address it.
struct WinogradTiles {
    let g: Conv2dGeometry
    let tilesY: Int, tilesX: Int

    /// Image, first output row and first output column of tile `t`.
    @inline(__always)
    func locate(_ t: Int) -> (b: Int, oy: Int, ox: Int) {
        let perImage = tilesY * tilesX
        let b = t / perImage, r = t % perImage
        return (b, 4 * (r / tilesX), 4 * (r % tilesX))
    }
}

/// G for F(4x4, 3x3) with interpolation points 0, 1, -1, 2, -2 and infinity: [6, 3].
let winogradG: [Double] = [
    1.0 / 4, 0, 0, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6,
    1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 24, -1.0 / 12, 1.0 / 6, 0, 0, 1,
]

/// U = G g G^T for every (output, input) channel pair, written position-major: u[pos, o, ci].
/// Eight pairs per SIMD vector (Double, the twin's operations in the twin's order, so the same
/// bits as `winogradTransformWeightsReference`); each of the 36 stores covers 8 adjacent pairs.
func winogradTransformWeights(oc: Int, c: Int, weight: UnsafePointer<Float>, u: UnsafeMutablePointer<Float>) {
    typealias D8 = SIMD8<Double>
    let pairs = oc * c, groups = pairs / 8
    let gm = winogradG
    ThreadPool.forRanges(groups, minChunk: 8) { range in
        var k = [D8](repeating: D8(), count: 9), t = [D8](repeating: D8(), count: 18)
        for group in range {
            let first = group * 8
            for e in 0..<9 {
                var lanes = D8()
                for lane in 0..<8 { lanes[lane] = Double(weight[(first + lane) * 9 + e]) }
                k[e] = lanes
            }
            for i in 0..<6 {
                for j in 0..<3 {
                    t[i * 3 + j] = gm[i * 3] * k[j] + gm[i * 3 + 1] * k[3 + j] + gm[i * 3 + 2] * k[6 + j]
                }
            }
            for i in 0..<6 {
                for j in 0..<6 {
                    let value = t[i * 3] * gm[j * 3] + t[i * 3 + 1] * gm[j * 3 + 1] + t[i * 3 + 2] * gm[j * 3 + 2]
                    UnsafeMutableRawPointer(u + (i * 6 + j) * pairs + first).storeBytes(of: SIMD8<Float>(value), as: SIMD8<Float>.self)
                }
            }
        }
    }
    // The last pairs % 8 pairs one at a time.
    if groups * 8 < pairs { winogradTransformWeightsReference(oc: oc, c: c, weight: weight, u: u, pairs: (groups * 8)..<pairs) }
}

/// U = G g G^T one pair at a time: the plain twin of `winogradTransformWeights` (same bits).
/// Only the pairs in `pairs` (all by default) are written.
func winogradTransformWeightsReference(oc: Int, c: Int, weight: UnsafePointer<Float>, u: UnsafeMutablePointer<Float>,
                                       pairs: Range<Int>? = nil) {
    let gm = winogradG
    let todo = pairs ?? 0..<(oc * c)
    ThreadPool.forRanges(todo.count, minChunk: 64) { chunk in
        let t = UnsafeMutablePointer<Double>.allocate(capacity: 18)
        defer { t.deallocate() }
        for pair in chunk.map({ $0 + todo.lowerBound }) {
            let k = weight + pair * 9
            // t = G k: [6, 3]; then U = t G^T: [6, 6].
            for i in 0..<6 {
                for j in 0..<3 {
                    t[i * 3 + j] = gm[i * 3] * Double(k[j]) + gm[i * 3 + 1] * Double(k[3 + j]) + gm[i * 3 + 2] * Double(k[6 + j])
                }
            }
            for i in 0..<6 {
                for j in 0..<6 {
                    let value = t[i * 3] * gm[j * 3] + t[i * 3 + 1] * gm[j * 3 + 1] + t[i * 3 + 2] * gm[j * 3 + 2]
                    u[(i * 6 + j) * oc * c + pair] = Float(value)
                }
            }
        }
    }
}

typealias Lanes = SIMD16<Float>

/// B^T applied to six values (one column or row of a 6x6 tile).
@inline(__always)
func winogradBT(_ d: (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes)) -> (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes) {
    let (d0, d1, d2, d3, d4, d5) = d
    return (4 * d0 - 5 * d2 + d4,
            d3 + d4 - 4 * (d1 + d2),
            4 * (d1 - d2) + d4 - d3,
            2 * (d3 - d1) + d4 - d2,
            2 * (d1 - d3) + d4 - d2,
            4 * d1 - 5 * d3 + d5)
}

/// A^T applied to six values: four outputs.
@inline(__always)
func winogradAT(_ m: (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes)) -> (Lanes, Lanes, Lanes, Lanes) {
    let (m0, m1, m2, m3, m4, m5) = m
    let s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4
    return (m0 + s12 + s34, d12 + 2 * d34, s12 + 4 * s34, d12 + 8 * d34 + m5)
}

/// V = B^T d B for `count` tiles starting at `firstTile`, 16 tiles per SIMD vector:
/// v[pos, ci, lane] for each 6x6 input tile d (zeros outside the image).
func winogradTransformInput(
    _ layout: WinogradTiles, x: UnsafePointer<Float>, firstTile: Int, count: Int, v: UnsafeMutablePointer<Float>
) {
    let g = layout.g
    let (c, h, w, p, bt) = (g.inChannels, g.height, g.width, g.padding, winogradBlockTiles)
    let d = UnsafeMutablePointer<Lanes>.allocate(capacity: 36)
    let df = UnsafeMutableRawPointer(d).assumingMemoryBound(to: Float.self)
    // Per lane of the current group: offset of the tile's top-left input element in channel 0
    // of its image; for border groups, per (element, lane) the offset of that element in
    // channel 0 or -1 outside the image, so every channel gathers with one fixed loop.
    let base = UnsafeMutablePointer<Int>.allocate(capacity: Lanes.scalarCount)
    let gather = UnsafeMutablePointer<Int>.allocate(capacity: 36 * Lanes.scalarCount)
    defer { d.deallocate(); base.deallocate(); gather.deallocate() }
    for group in stride(from: 0, to: count, by: Lanes.scalarCount) {
        let lanes = min(Lanes.scalarCount, count - group)
        var interior = lanes == Lanes.scalarCount
        for lane in 0..<Lanes.scalarCount {
            guard lane < lanes else {
                for e in 0..<36 { gather[e * Lanes.scalarCount + lane] = -1 }
                continue
            }
            let (b, oy, ox) = layout.locate(firstTile + group + lane)
            let y0 = oy - p, x0 = ox - p
            base[lane] = b * c * h * w + y0 * w + x0
            interior = interior && y0 >= 0 && x0 >= 0 && y0 + 6 <= h && x0 + 6 <= w
            for i in 0..<6 {
                for j in 0..<6 {
                    let inside = y0 + i >= 0 && y0 + i < h && x0 + j >= 0 && x0 + j < w
                    gather[(i * 6 + j) * Lanes.scalarCount + lane] = inside ? base[lane] + i * w + j : -1
                }
            }
        }
        for ci in 0..<c {
            let plane = x + ci * h * w
            if interior {
                // Every tile lies inside the image: plain loads.
                for lane in 0..<Lanes.scalarCount {
                    let tile = plane + base[lane]
                    for i in 0..<6 {
                        let row = tile + i * w
                        for j in 0..<6 { df[(i * 6 + j) * Lanes.scalarCount + lane] = row[j] }
                    }
                }
            } else {
                for e in 0..<(36 * Lanes.scalarCount) {
                    let at = gather[e]
                    df[e] = at >= 0 ? plane[at] : 0
                }
            }
            // Columns: t = B^T d, in place; then rows: v = t B.
            for j in 0..<6 {
                let r = winogradBT((d[j], d[6 + j], d[12 + j], d[18 + j], d[24 + j], d[30 + j]))
                (d[j], d[6 + j], d[12 + j], d[18 + j], d[24 + j], d[30 + j]) = r
            }
            for i in 0..<6 {
                let r = winogradBT((d[i * 6], d[i * 6 + 1], d[i * 6 + 2], d[i * 6 + 3], d[i * 6 + 4], d[i * 6 + 5]))
                @inline(__always) func store(_ j: Int, _ value: Lanes) {
                    UnsafeMutableRawPointer(v + ((i * 6 + j) * c + ci) * bt + group).storeBytes(of: value, as: Lanes.self)
                }
                store(0, r.0); store(1, r.1); store(2, r.2); store(3, r.3); store(4, r.4); store(5, r.5)
            }
        }
    }
}

/// Y = A^T m A for `count` tiles, adding the bias and storing the part of each 4x4 tile that
/// lies inside the output.
func winogradTransformOutput(
    _ layout: WinogradTiles, m: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    firstTile: Int, count: Int, y: UnsafeMutablePointer<Float>
) {
    let g = layout.g
    let (oc, oh, ow, bt) = (g.outChannels, g.outHeight, g.outWidth, winogradBlockTiles)
    let t = UnsafeMutablePointer<Lanes>.allocate(capacity: 24)
    // Per lane of the current group: offset of the tile's first output in channel 0 of its
    // image, and how many of its 4 rows and 4 columns lie inside the output.
    let base = UnsafeMutablePointer<Int>.allocate(capacity: 3 * Lanes.scalarCount)
    defer { t.deallocate(); base.deallocate() }
    let rows = base + Lanes.scalarCount, cols = base + 2 * Lanes.scalarCount
    for group in stride(from: 0, to: count, by: Lanes.scalarCount) {
        let lanes = min(Lanes.scalarCount, count - group)
        for lane in 0..<lanes {
            let (img, oy, ox) = layout.locate(firstTile + group + lane)
            base[lane] = img * oc * oh * ow + oy * ow + ox
            rows[lane] = min(4, oh - oy)
            cols[lane] = min(4, ow - ox)
        }
        for o in 0..<oc {
            @inline(__always) func load(_ pos: Int) -> Lanes {
                UnsafeRawPointer(m + (pos * oc + o) * bt + group).loadUnaligned(as: Lanes.self)
            }
            // Columns: t = A^T m ([4, 6]); then rows: out = t A ([4, 4]).
            for j in 0..<6 {
                let r = winogradAT((load(j), load(6 + j), load(12 + j), load(18 + j), load(24 + j), load(30 + j)))
                (t[j], t[6 + j], t[12 + j], t[18 + j]) = r
            }
            let b = bias.map { $0[o] } ?? 0
            let plane = y + o * oh * ow
            for i in 0..<4 {
                let r = winogradAT((t[i * 6], t[i * 6 + 1], t[i * 6 + 2], t[i * 6 + 3], t[i * 6 + 4], t[i * 6 + 5]))
                let row = (r.0 + b, r.1 + b, r.2 + b, r.3 + b)
                for lane in 0..<lanes where i < rows[lane] {
                    let dst = plane + base[lane] + i * ow
                    let n = cols[lane]
                    if n == 4 {
                        dst[0] = row.0[lane]; dst[1] = row.1[lane]; dst[2] = row.2[lane]; dst[3] = row.3[lane]
                        continue
                    }
                    dst[0] = row.0[lane]
                    if n > 1 { dst[1] = row.1[lane] }
                    if n > 2 { dst[2] = row.2[lane] }
                }
            }
        }
    }
}
