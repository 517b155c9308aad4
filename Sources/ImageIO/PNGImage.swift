// PNGImage: an 8-bit raster (grey, grey+alpha, RGB or RGBA, interleaved) and its conversions to
// and from tensors. Reading and writing PNG files lives in PNGImage+Codec.swift.
import TensorCore

/// An 8-bit picture: `height` rows of `width` pixels, each pixel `channels` bytes, interleaved,
/// rows top to bottom.
///
/// Channels: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. Files are read and written with libpng
/// (`read(path:)`, `write(to:)`); `tensor()` and `init(tensor:)` convert to and from `[C, H, W]`
/// tensors with values in [0, 1].
///
///     let img = try PNGImage.read(path: "cat.png")
///     let rgb = img.converted(toChannels: 3)      // drop alpha / expand grey
///     try rgb.write(to: "out/cat.png")
public struct PNGImage: Sendable, Equatable {
    /// Pixels per row.
    public let width: Int
    /// Number of rows.
    public let height: Int
    /// Bytes per pixel: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA.
    public let channels: Int
    /// `height * width * channels` bytes: row-major, channels interleaved. Read-only as a whole
    /// so its length always matches the geometry; change single bytes with the subscript.
    public private(set) var pixels: [UInt8]

    /// Largest pixel count accepted (width times height); keeps a damaged header from asking
    /// for gigabytes.
    public static let maxPixels = 1 << 28

    /// A picture from its interleaved pixel bytes; throws when the sizes do not agree.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        try PNGImage.checkGeometry(width: width, height: height, channels: channels, op: "png")
        guard pixels.count == width * height * channels else {
            throw ImageIOError(
                "png: a \(width)x\(height) picture with \(channels) channel(s) needs \(width * height * channels) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// A picture with every byte equal to `value`.
    public init(width: Int, height: Int, channels: Int, filledWith value: UInt8 = 0) throws {
        try PNGImage.checkGeometry(width: width, height: height, channels: channels, op: "png")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = [UInt8](repeating: value, count: width * height * channels)
    }

    /// For code that has already validated the geometry.
    init(unchecked width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * channels, "pixel count mismatch")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    static func checkGeometry(width: Int, height: Int, channels: Int, op: String) throws {
        guard (1...4).contains(channels) else {
            throw ImageIOError("\(op): channels must be 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA), got \(channels)")
        }
        guard width > 0, height > 0 else {
            throw ImageIOError("\(op): picture size must be positive, got \(width)x\(height)")
        }
        guard width <= maxPixels, height <= maxPixels, width * height <= maxPixels else {
            throw ImageIOError("\(op): a \(width)x\(height) picture is too large (at most \(maxPixels) pixels)")
        }
    }

    /// True for grey + alpha and RGBA.
    public var hasAlpha: Bool { channels == 2 || channels == 4 }

    /// The byte of channel `c` of the pixel in column `x`, row `y`.
    public subscript(x x: Int, y y: Int, c c: Int) -> UInt8 {
        get { pixels[(y * width + x) * channels + c] }
        set { pixels[(y * width + x) * channels + c] = newValue }
    }

    /// The same picture with 1 (grey) or 3 (RGB) channels, or 2/4 with an opaque alpha added.
    ///
    /// Colour to grey uses the Rec. 601 luma weights (0.299, 0.587, 0.114); removing alpha
    /// composites over `background` (0 black, 255 white). `target` must be 1...4; callers
    /// check user input first.
    public func converted(toChannels target: Int, background: UInt8 = 0) -> PNGImage {
        precondition((1...4).contains(target), "channels must be 1...4")
        if target == channels { return self }
        let n = width * height
        var out = [UInt8](repeating: 0, count: n * target)
        let bg = Float(background)
        for i in 0..<n {
            let p = i * channels
            var r: Float, g: Float, b: Float, a: Float = 255
            switch channels {
            case 1, 2:
                r = Float(pixels[p]); g = r; b = r
                if channels == 2 { a = Float(pixels[p + 1]) }
            default:
                r = Float(pixels[p]); g = Float(pixels[p + 1]); b = Float(pixels[p + 2])
                if channels == 4 { a = Float(pixels[p + 3]) }
            }
            let keepsAlpha = target == 2 || target == 4
            if !keepsAlpha && a < 255 {
                let t = a / 255
                r = r * t + bg * (1 - t); g = g * t + bg * (1 - t); b = b * t + bg * (1 - t)
            }
            let q = i * target
            switch target {
            case 1, 2:
                let grey = channels <= 2 ? r : 0.299 * r + 0.587 * g + 0.114 * b
                out[q] = PNGImage.byte(grey)
                if target == 2 { out[q + 1] = PNGImage.byte(a) }
            default:
                out[q] = PNGImage.byte(r); out[q + 1] = PNGImage.byte(g); out[q + 2] = PNGImage.byte(b)
                if target == 4 { out[q + 3] = PNGImage.byte(a) }
            }
        }
        return PNGImage(unchecked: width, height: height, channels: target, pixels: out)
    }

    /// The picture as a `[C, H, W]` tensor with values `byte / 255` in [0, 1].
    public func tensor() -> Tensor {
        let hw = width * height
        var data = [Float](repeating: 0, count: channels * hw)
        for i in 0..<hw {
            for c in 0..<channels {
                data[c * hw + i] = Float(pixels[i * channels + c]) / 255
            }
        }
        return Tensor(unchecked: [channels, height, width], data: data)
    }

    /// A picture from a `[C, H, W]` (C in 1...4) or `[H, W]` tensor whose values are in [0, 1];
    /// values outside are clipped, NaN becomes 0, and each value maps to `round(v * 255)`.
    public init(tensor: Tensor) throws {
        let shape = tensor.shape
        let (c, h, w): (Int, Int, Int)
        switch shape.count {
        case 2: (c, h, w) = (1, shape[0], shape[1])
        case 3: (c, h, w) = (shape[0], shape[1], shape[2])
        default:
            throw ImageIOError("png: tensor must have shape [C, H, W] or [H, W], got \(shape.shapeText)")
        }
        try PNGImage.checkGeometry(width: w, height: h, channels: c, op: "png")
        let hw = h * w
        var out = [UInt8](repeating: 0, count: c * hw)
        tensor.data.withUnsafeBufferPointer { src in
            for ch in 0..<c {
                for i in 0..<hw {
                    out[i * c + ch] = PNGImage.unitByte(src[ch * hw + i])
                }
            }
        }
        self.init(unchecked: w, height: h, channels: c, pixels: out)
    }

    /// `round(v * 255)` for v clipped to [0, 1]; NaN maps to 0.
    @inline(__always) static func unitByte(_ v: Float) -> UInt8 {
        guard v > 0 else { return 0 }
        guard v < 1 else { return 255 }
        return UInt8((v * 255).rounded())
    }

    /// A value in [0, 255] rounded to the nearest byte (clipped).
    @inline(__always) static func byte(_ v: Float) -> UInt8 {
        guard v > 0 else { return 0 }
        guard v < 255 else { return 255 }
        return UInt8(v.rounded())
    }
}
