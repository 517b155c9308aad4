// DC's evaluation-time augmentation (DatasetCondensation utils.py:365-426 `augment`, parameters
// from `get_daparam`, utils.py:431-445): each image gets one op drawn from the strategy. Not
// differentiable and not DSA; only the "dc" protocol uses it (on MNIST, "crop_scale_rotate").
import Foundation
import TensorCore

/// DC's `augment`: per image one of crop, scale, rotate or noise, on normalised images.
///
///     let aug = try DCAugment(strategy: "crop_scale_rotate")
///     let x2 = try aug.apply(x, rng: &rng)
public struct DCAugment: Equatable, Sendable {
    public enum Op: String, CaseIterable, Sendable { case crop, scale, rotate, noise }

    public var ops: [Op]
    /// `get_daparam`: crop 4 px, scale ±0.2, rotate ±45°, noise 0.001.
    public var crop = 4
    public var scale: Float = 0.2
    public var rotate = 45
    public var noise: Float = 0.001

    public init(strategy: String) throws {
        if strategy.isEmpty || strategy.lowercased() == "none" { ops = []; return }
        ops = try strategy.lowercased().split(separator: "_").map { token in
            guard let op = Op(rawValue: String(token)) else {
                throw TensorError("dc augment: unknown op '\(token)' in strategy '\(strategy)' (expected one of: \(Op.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return op
        }
    }

    /// Augments x [n, c, h, w] (square images, as the reference assumes); channel means are
    /// taken over the whole batch first, as the reference does.
    public func apply(_ x: Tensor, rng: inout SeededRNG) throws -> Tensor {
        guard x.rank == 4 else { throw TensorError("dc augment: images must be [n, c, h, w], got \(x.shape.shapeText)") }
        guard !ops.isEmpty, x.shape[0] > 0 else { return x }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let plane = h * w
        var out = x.data
        var means = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            var sum = 0.0
            for i in 0..<n { for p in 0..<plane { sum += Double(out[(i * c + ch) * plane + p]) } }
            means[ch] = Float(sum / Double(n * plane))
        }
        for i in 0..<n {
            // One op and one draw of its parameters per image, for all its channels.
            let op = ops[rng.nextInt(below: ops.count)]
            var transform: ([Float], Int) -> [Float]
            switch op {
            case .crop:
                // Pad `crop` with the channel mean; offsets uniform in 0..<2·crop.
                let dy = rng.nextInt(below: 2 * crop) - crop, dx = rng.nextInt(below: 2 * crop) - crop
                transform = { src, ch in Self.shifted(src, h: h, w: w, dy: dy, dx: dx, fill: means[ch]) }
            case .scale:
                // Both sides scale the height, as the reference's `scalefun` does.
                let sh = Int((1 - scale + rng.nextFloat() * 2 * scale) * Float(h))
                let sw = Int((1 - scale + rng.nextFloat() * 2 * scale) * Float(h))
                transform = { src, _ in Self.scaled(src, h: h, w: w, toH: Swift.max(sh, 1), toW: Swift.max(sw, 1)) }
            case .rotate:
                // np.random.randint(-45, 45): an integer in [-45, 44]; fill the mean of the means.
                let angle = Float(rng.nextInt(below: 2 * rotate) - rotate)
                let fill = means.reduce(0, +) / Float(c)
                transform = { src, _ in Self.rotated(src, h: h, w: w, degrees: angle, fill: fill) }
            case .noise:
                let shifts = (0..<(c * plane)).map { _ in noise * rng.nextNormal() }
                transform = { src, ch in (0..<plane).map { src[$0] + shifts[ch * plane + $0] } }
            }
            for ch in 0..<c {
                let base = (i * c + ch) * plane
                out.replaceSubrange(base..<base + plane, with: transform(Array(out[base..<base + plane]), ch))
            }
        }
        return Tensor(unchecked: x.shape, data: out)
    }

    /// The image moved by (dy, dx) with `fill` where nothing lands (the crop of the padded image
    /// at offset (crop + dy, crop + dx)).
    static func shifted(_ src: [Float], h: Int, w: Int, dy: Int, dx: Int, fill: Float) -> [Float] {
        var out = [Float](repeating: fill, count: h * w)
        for y in 0..<h {
            let sy = y + dy
            guard sy >= 0 && sy < h else { continue }
            for x in 0..<w {
                let sx = x + dx
                if sx >= 0 && sx < w { out[y * w + x] = src[sy * w + sx] }
            }
        }
        return out
    }

    /// Nearest-neighbour resize to toH × toW (F.interpolate's default: source = floor(dst ·
    /// in / out)), centred on a zero canvas of side max(toH, toW, h), centre-cropped to h × w.
    static func scaled(_ src: [Float], h: Int, w: Int, toH: Int, toW: Int) -> [Float] {
        let side = Swift.max(toH, toW, h, w)
        var canvas = [Float](repeating: 0, count: side * side)
        let r0 = (side - toH) / 2, c0 = (side - toW) / 2
        for y in 0..<toH {
            let sy = Swift.min(h - 1, y * h / toH)
            for x in 0..<toW {
                let sx = Swift.min(w - 1, x * w / toW)
                canvas[(r0 + y) * side + c0 + x] = src[sy * w + sx]
            }
        }
        let r = (side - h) / 2, c = (side - w) / 2
        var out = [Float](repeating: 0, count: h * w)
        for y in 0..<h { for x in 0..<w { out[y * w + x] = canvas[(r + y) * side + c + x] } }
        return out
    }

    /// `scipy.ndimage.rotate(reshape=True, order=3, cval=fill)` then the centre h × w: the
    /// enlarged output's pixels sampled by cubic B-spline from the prefiltered image (mirror
    /// boundary), `fill` where the source point lies outside [0, n − 1] (scipy's "constant"
    /// mode; a test holds it to scipy's own output).
    static func rotated(_ src: [Float], h: Int, w: Int, degrees: Float, fill: Float) -> [Float] {
        let a = Double(degrees) * Double.pi / 180
        let cs = cos(a), sn = sin(a)
        // Output plane of the rotated bounding box (scipy: |R| · shape + 0.5, truncated).
        let oh = Int(abs(cs) * Double(h) + abs(sn) * Double(w) + 0.5)
        let ow = Int(abs(sn) * Double(h) + abs(cs) * Double(w) + 0.5)
        let coeff = splineCoefficients(src, h: h, w: w)
        let inCy = Double(h - 1) / 2, inCx = Double(w - 1) / 2
        let outCy = Double(oh - 1) / 2, outCx = Double(ow - 1) / 2
        let r = (oh - h) / 2, c = (ow - w) / 2
        var out = [Float](repeating: fill, count: h * w)
        for y in 0..<h {
            for x in 0..<w {
                // Input coordinate = R · (output − centre) + input centre, R = [[cos, sin], [−sin, cos]].
                let oy = Double(y + r) - outCy, ox = Double(x + c) - outCx
                let iy = cs * oy + sn * ox + inCy
                let ix = -sn * oy + cs * ox + inCx
                guard iy >= 0, iy <= Double(h - 1), ix >= 0, ix <= Double(w - 1) else { continue }
                out[y * w + x] = Float(cubicSample(coeff, h: h, w: w, y: iy, x: ix))
            }
        }
        return out
    }

    /// Cubic B-spline coefficients (pole √3 − 2) along rows then columns, mirror boundary.
    static func splineCoefficients(_ src: [Float], h: Int, w: Int) -> [Double] {
        var c = src.map(Double.init)
        func filter(_ line: inout [Double]) {
            let n = line.count
            guard n > 1 else { return }
            let z = 3.0.squareRoot() - 2
            let gain = (1 - z) * (1 - 1 / z)
            for i in 0..<n { line[i] *= gain }
            // Causal initialisation, exact for the mirror-symmetric extension (Unser 1999).
            let zLast = pow(z, Double(n - 1))
            var sum = line[0] + zLast * line[n - 1]
            for k in 1..<(n - 1) { sum += (pow(z, Double(k)) + pow(z, Double(2 * n - 2 - k))) * line[k] }
            line[0] = sum / (1 - zLast * zLast)
            for i in 1..<n { line[i] += z * line[i - 1] }
            line[n - 1] = (z / (z * z - 1)) * (z * line[n - 2] + line[n - 1])
            for i in stride(from: n - 2, through: 0, by: -1) { line[i] = z * (line[i + 1] - line[i]) }
        }
        for y in 0..<h {
            var row = Array(c[y * w..<(y + 1) * w])
            filter(&row)
            c.replaceSubrange(y * w..<(y + 1) * w, with: row)
        }
        for x in 0..<w {
            var col = (0..<h).map { c[$0 * w + x] }
            filter(&col)
            for y in 0..<h { c[y * w + x] = col[y] }
        }
        return c
    }

    /// The cubic B-spline through `coeff` at (y, x), mirror-extended at the edges.
    static func cubicSample(_ coeff: [Double], h: Int, w: Int, y: Double, x: Double) -> Double {
        func weights(_ t: Double) -> [Double] {
            // Basis at offsets -1, 0, 1, 2 from floor.
            let t2 = t * t, t3 = t2 * t
            return [(1 - t) * (1 - t) * (1 - t) / 6, (3 * t3 - 6 * t2 + 4) / 6,
                    (-3 * t3 + 3 * t2 + 3 * t + 1) / 6, t3 / 6]
        }
        func mirror(_ i: Int, _ n: Int) -> Int {
            if n == 1 { return 0 }
            let period = 2 * (n - 1)
            var k = i % period
            if k < 0 { k += period }
            return k < n ? k : period - k
        }
        let fy = y.rounded(.down), fx = x.rounded(.down)
        let wy = weights(y - fy), wx = weights(x - fx)
        var sum = 0.0
        for a in 0..<4 {
            let yy = mirror(Int(fy) - 1 + a, h)
            var rowSum = 0.0
            for b in 0..<4 { rowSum += wx[b] * coeff[yy * w + mirror(Int(fx) - 1 + b, w)] }
            sum += wy[a] * rowSum
        }
        return sum
    }
}
