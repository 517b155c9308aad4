// IDC's multi-formation (Kim et al., ICML 2022): each stored image holds factor × factor tiles,
// each decoded (bilinear upsampling) into a full-size training image, and the encoding that packs
// full-size images into tiles (the reference's `mix` initialisation). No training loop here.
import Autograd
import TensorCore

/// Decoding and encoding of multi-formation images.
///
///     let f = MultiFormation(factor: 2)
///     let full = try f.decode(stored, pad: [0.5])     // [4n, c, h, w] from [n, c, h, w]
public struct MultiFormation: Codable, Equatable, Sendable {
    /// Tiles per side; 1 stores images as they are (IDC-I).
    public var factor: Int

    public init(factor: Int) throws {
        guard factor >= 1 else { throw TensorError("idc: factor must be >= 1, got \(factor)") }
        self.factor = factor
    }

    /// Training images per stored image.
    public var imagesPerStored: Int { factor * factor }

    /// Decodes x [n, c, h, w] into [f²·n, c, h, w], tile-major (every image's top-left tile,
    /// then every image's next tile, ...), as the reference `decode_zoom`: an image whose side is
    /// not a multiple of f is padded right and below with `pad` (one value per channel) and cut
    /// into ⌈h/f⌉ squares, each resized bilinearly (align_corners = false) to h × w.
    public func decode(_ x: Variable, pad: [Float]) throws -> Variable {
        guard x.rank == 4 else { throw TensorError("idc: images must be [n, c, h, w], got \(x.shape.shapeText)") }
        guard factor > 1 else { return x }
        let (c, h, w) = (x.shape[1], x.shape[2], x.shape[3])
        guard pad.count == c else { throw TensorError("idc: \(pad.count) pad values for \(c) channels") }
        let th = (h + factor - 1) / factor, tw = (w + factor - 1) / factor
        var y = x
        if th * factor != h || tw * factor != w {
            let p = Variable(Tensor(unchecked: [1, c, 1, 1], data: pad))
            y = try (try (y - p).padded([(0, 0), (0, 0), (0, th * factor - h), (0, tw * factor - w)])) + p
        }
        var tiles: [Variable] = []
        for i in 0..<factor {
            let rows = try y.slice(axis: 2, (i * th)..<((i + 1) * th))
            for j in 0..<factor {
                tiles.append(try rows.slice(axis: 3, (j * tw)..<((j + 1) * tw)))
            }
        }
        return try Variable.concat(tiles, axis: 0).resizeBilinear(height: h, width: w)
    }

    /// Labels of the decoded images of stored images with `labels`.
    public func decodedLabels(_ labels: [Int]) -> [Int] {
        Array([[Int]](repeating: labels, count: imagesPerStored).joined())
    }

    /// Packs full-size images [f²·n, c, h, w] (tile-major, the layout `decode` returns) into
    /// [n, c, h, w]: block k of n images goes to tile k, shrunk by nearest-neighbour sampling
    /// (PyTorch `interpolate`'s default, as the reference `mix` initialisation); tile rows and
    /// columns are h / f pixels, the first h mod f of them one pixel more.
    public func encode(_ images: Tensor) throws -> Tensor {
        guard images.rank == 4 else { throw TensorError("idc: images must be [n, c, h, w], got \(images.shape.shapeText)") }
        let per = imagesPerStored
        guard images.shape[0] % per == 0 else {
            throw TensorError("idc: \(images.shape[0]) images cannot fill \(per) tiles each (factor \(factor))")
        }
        guard factor > 1 else { return images }
        let (n, c, h, w) = (images.shape[0] / per, images.shape[1], images.shape[2], images.shape[3])
        func spans(_ size: Int) -> [(start: Int, length: Int)] {
            let s = size / factor, extra = size % factor
            var out: [(Int, Int)] = [], at = 0
            for i in 0..<factor {
                let len = i < extra ? s + 1 : s
                out.append((at, len))
                at += len
            }
            return out
        }
        let rows = spans(h), cols = spans(w)
        guard rows.allSatisfy({ $0.length > 0 }), cols.allSatisfy({ $0.length > 0 }) else {
            throw TensorError("idc: images of \(h)x\(w) are too small for factor \(factor)")
        }
        let src = images.data
        var out = [Float](repeating: 0, count: n * c * h * w)
        for i in 0..<factor {
            for j in 0..<factor {
                let k = i * factor + j
                let (r0, rh) = rows[i], (c0, cw) = cols[j]
                for m in 0..<n {
                    for ch in 0..<c {
                        let from = ((k * n + m) * c + ch) * h * w, to = (m * c + ch) * h * w
                        for y in 0..<rh {
                            let sy = y * h / rh
                            for x in 0..<cw {
                                out[to + (r0 + y) * w + c0 + x] = src[from + sy * w + x * w / cw]
                            }
                        }
                    }
                }
            }
        }
        return Tensor(unchecked: [n, c, h, w], data: out)
    }
}
