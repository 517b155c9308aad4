// Per-channel normalisation of 8-bit pixels: (pixel/255 - mean[c]) / std[c], its inverse, and
// statistics computed from pixels. The fast byte converter keeps a plain reference twin.
import Kernels
import TensorCore

/// Per-channel mean and standard deviation of pixel values scaled to [0, 1].
///
///     let n = Normalization(mean: [0.1307], std: [0.3081])   // MNIST
///     let x = try n.normalized(pixels01)                     // (x - mean) / std per channel
public struct Normalization: Codable, Sendable, Equatable {
    /// Mean of each channel in [0, 1] pixel units.
    public var mean: [Float]
    /// Standard deviation of each channel in [0, 1] pixel units (all positive).
    public var std: [Float]

    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == std.count && std.allSatisfy { $0 > 0 }, "normalisation: bad constants")
        self.mean = mean
        self.std = std
    }

    /// Number of channels.
    public var channels: Int { mean.count }

    /// The value a byte `pixel` of channel `c` becomes; the single formula every path uses.
    @inlinable public func value(_ pixel: UInt8, channel c: Int) -> Float {
        (Float(pixel) / 255 - mean[c]) / std[c]
    }

    /// Images in [0, 1] pixel units, shape [N, C, H, W], mapped to normalised space.
    public func normalized(_ images: Tensor) throws -> Tensor {
        try checkImages(images, op: "normalize")
        return applyPerChannel(images) { x, c in (x - mean[c]) / std[c] }
    }

    /// Normalised images, shape [N, C, H, W], mapped back to [0, 1] pixel units (not clamped).
    public func denormalized(_ images: Tensor) throws -> Tensor {
        try checkImages(images, op: "denormalize")
        return applyPerChannel(images) { x, c in x * std[c] + mean[c] }
    }

    private func checkImages(_ images: Tensor, op: String) throws {
        guard images.rank == 4, images.shape[1] == channels else {
            throw DataError("\(op): expected images of shape [N, \(channels), H, W], got \(images.shape.shapeText)")
        }
    }

    private func applyPerChannel(_ images: Tensor, _ f: (Float, Int) -> Float) -> Tensor {
        let (n, c, plane) = (images.shape[0], images.shape[1], images.shape[2] * images.shape[3])
        var out = images.data
        for i in 0..<n {
            for ch in 0..<c {
                let base = (i * c + ch) * plane
                for p in base..<(base + plane) { out[p] = f(out[p], ch) }
            }
        }
        return Tensor(unchecked: images.shape, data: out)
    }

    /// Mean and (population) standard deviation per channel of images [N, C, H, W] in [0, 1]
    /// pixel units, summed in Double. A channel with no spread gets std 1 so it stays finite.
    public static func measured(pixels01 images: Tensor) throws -> Normalization {
        guard images.rank == 4, images.shape[0] > 0, images.shape[1] > 0, images.shape[2] * images.shape[3] > 0 else {
            throw DataError("normalisation: cannot measure statistics of images shaped \(images.shape.shapeText)")
        }
        let (n, c, plane) = (images.shape[0], images.shape[1], images.shape[2] * images.shape[3])
        var sum = [Double](repeating: 0, count: c)
        var sumSq = [Double](repeating: 0, count: c)
        images.data.withUnsafeBufferPointer { x in
            for i in 0..<n {
                for ch in 0..<c {
                    let base = (i * c + ch) * plane
                    var s = 0.0, s2 = 0.0
                    for p in base..<(base + plane) {
                        let v = Double(x[p])
                        s += v; s2 += v * v
                    }
                    sum[ch] += s; sumSq[ch] += s2
                }
            }
        }
        let count = Double(n * plane)
        var mean = [Float](), std = [Float]()
        for ch in 0..<c {
            let m = sum[ch] / count
            let s = max(0, sumSq[ch] / count - m * m).squareRoot()
            mean.append(Float(m))
            std.append(s > 1e-6 ? Float(s) : 1)
        }
        return Normalization(mean: mean, std: std)
    }
}

extension Normalization {
    /// Converts `count` images of 8-bit [C, H, W] pixels to normalised floats.
    ///
    /// `source(i)` gives the byte offset of image i in `bytes` (records may carry label bytes
    /// between images). Images are split over the thread pool; each output element depends
    /// only on its byte, through a 256-entry table per channel, so any thread count gives the
    /// same bits as `convertReference`.
    public func convert(bytes: UnsafeBufferPointer<UInt8>, count: Int, plane: Int,
                        source: (Int) -> Int) -> [Float] {
        let size = count * channels * plane
        return [Float](unsafeUninitializedCapacity: size) { out, written in
            convert(bytes: bytes, count: count, plane: plane, into: out.baseAddress!, source: source)
            written = size
        }
    }

    /// `convert` writing into `out`, which must have room for `count * C * plane` floats.
    public func convert(bytes: UnsafeBufferPointer<UInt8>, count: Int, plane: Int,
                        into out: UnsafeMutablePointer<Float>, source: (Int) -> Int) {
        let c = channels
        let table: [Float] = (0..<c).flatMap { ch in (0..<256).map { value(UInt8($0), channel: ch) } }
        let imageSize = c * plane
        precondition(count == 0 || source(count - 1) + imageSize <= bytes.count, "convert: bytes too short")
        table.withUnsafeBufferPointer { lut in
            ThreadPool.forRanges(count, minChunk: 256) { range in
                for i in range {
                    let src = bytes.baseAddress! + source(i)
                    let dst = out + i * imageSize
                    for ch in 0..<c {
                        let t = lut.baseAddress! + ch * 256
                        let s = src + ch * plane
                        let d = dst + ch * plane
                        for p in 0..<plane { d[p] = t[Int(s[p])] }
                    }
                }
            }
        }
    }

    /// The plain twin of `convert`: one image at a time, the formula applied per element.
    public func convertReference(bytes: [UInt8], count: Int, plane: Int, source: (Int) -> Int) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(count * channels * plane)
        for i in 0..<count {
            for ch in 0..<channels {
                for p in 0..<plane { out.append(value(bytes[source(i) + ch * plane + p], channel: ch)) }
            }
        }
        return out
    }
}
