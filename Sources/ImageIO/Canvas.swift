// Canvas: a mutable 8-bit grey or RGB raster with the few drawing operations grids and plots
// need (filled rectangles, outlines, coverage blending). Text lives in BitmapFont; lines in LinePlot.

/// A raster being drawn on: `channels` is 1 (grey) or 3 (RGB); pixels are interleaved bytes.
struct Canvas {
    let width: Int
    let height: Int
    let channels: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, channels: Int, background: RGB) {
        precondition(channels == 1 || channels == 3, "canvas channels must be 1 or 3")
        precondition(width > 0 && height > 0, "canvas size must be positive")
        self.width = width
        self.height = height
        self.channels = channels
        if channels == 1 {
            pixels = [UInt8](repeating: background.grey, count: width * height)
        } else {
            pixels = [UInt8](repeating: 0, count: width * height * 3)
            for i in 0..<(width * height) {
                pixels[3 * i] = background.r; pixels[3 * i + 1] = background.g; pixels[3 * i + 2] = background.b
            }
        }
    }

    var image: PNGImage { PNGImage(unchecked: width, height: height, channels: channels, pixels: pixels) }

    /// Sets one pixel; points outside the canvas are ignored.
    mutating func set(_ x: Int, _ y: Int, _ color: RGB) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let p = (y * width + x) * channels
        if channels == 1 {
            pixels[p] = color.grey
        } else {
            pixels[p] = color.r; pixels[p + 1] = color.g; pixels[p + 2] = color.b
        }
    }

    /// Mixes `color` into one pixel with weight `coverage` in [0, 1].
    mutating func blend(_ x: Int, _ y: Int, _ color: RGB, _ coverage: Float) {
        guard x >= 0, y >= 0, x < width, y < height, coverage > 0 else { return }
        if coverage >= 1 { set(x, y, color); return }
        let p = (y * width + x) * channels
        @inline(__always) func mix(_ old: UInt8, _ new: UInt8) -> UInt8 {
            PNGImage.byte(Float(old) + (Float(new) - Float(old)) * coverage)
        }
        if channels == 1 {
            pixels[p] = mix(pixels[p], color.grey)
        } else {
            pixels[p] = mix(pixels[p], color.r)
            pixels[p + 1] = mix(pixels[p + 1], color.g)
            pixels[p + 2] = mix(pixels[p + 2], color.b)
        }
    }

    /// Fills the rectangle `[x, x + w) x [y, y + h)`, clipped to the canvas.
    mutating func fill(x: Int, y: Int, w: Int, h: Int, _ color: RGB) {
        let x0 = max(0, x), y0 = max(0, y), x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0..<y1 {
            for xx in x0..<x1 { set(xx, yy, color) }
        }
    }

    /// A one-pixel rectangle outline.
    mutating func stroke(x: Int, y: Int, w: Int, h: Int, _ color: RGB) {
        fill(x: x, y: y, w: w, h: 1, color)
        fill(x: x, y: y + h - 1, w: w, h: 1, color)
        fill(x: x, y: y, w: 1, h: h, color)
        fill(x: x + w - 1, y: y, w: 1, h: h, color)
    }
}
