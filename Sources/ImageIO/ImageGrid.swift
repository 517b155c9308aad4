// ImageGrid: lays out a batch of images [N, C, H, W] (C = 1 or 3) as one picture: value mapping
// (de-normalisation, per-image min/max), nearest-neighbour upscaling, padding, row labels.
// Knows nothing about data sets or synthetic sets; Bindings passes mean/std and class names.
import TensorCore

/// Options for turning an image batch into a grid picture; `render` and `write` do the work.
///
///     var grid = ImageGrid(nrow: 10, scale: 4)
///     grid.normalize = .meanStd(mean: [0.2861], std: [0.3530])
///     grid.labels = ["T-shirt", "Trouser", ...]          // one per row
///     let result = try grid.write(images, to: "out/syn.png")
///     print(result)   // wrote out/syn.png (10 x 10 images, 1130x1130 px)
public struct ImageGrid: Sendable, Equatable {
    /// How tensor values become intensities in [0, 1] before clipping.
    public enum Normalize: Sendable, Equatable {
        /// Values are already intensities; they are only clipped to [0, 1].
        case none
        /// Undo a per-channel normalisation: `x * std[c] + mean[c]`, then clip. One value in
        /// `mean`/`std` applies to every channel.
        case meanStd(mean: [Float], std: [Float])
        /// Each image is rescaled to its own [min, max] (over all its channels); a constant
        /// image becomes mid-grey.
        case each
    }

    /// Images per row; `nil` picks `ceil(sqrt(N))`. For synthetic sets, pass the images per class
    /// so each class fills one row.
    public var nrow: Int?
    /// Nearest-neighbour upscaling factor (each pixel becomes `scale x scale`).
    public var scale: Int
    /// Pixels between neighbouring cells (after scaling); no outer border.
    public var pad: Int
    /// Intensity in [0, 1] of the padding and label area (1 = white).
    public var padValue: Float
    /// Value mapping applied before clipping.
    public var normalize: Normalize
    /// Row labels drawn to the left of each row (right-aligned), or nil for none.
    public var labels: [String]?
    /// Font scale for labels; nil picks one from the cell height.
    public var labelScale: Int?

    public init(nrow: Int? = nil, scale: Int = 1, pad: Int = 2, padValue: Float = 1,
                normalize: Normalize = .none, labels: [String]? = nil, labelScale: Int? = nil) {
        self.nrow = nrow
        self.scale = scale
        self.pad = pad
        self.padValue = padValue
        self.normalize = normalize
        self.labels = labels
        self.labelScale = labelScale
    }

    /// What `write` produced: where, how many images in which layout, and the picture size.
    public struct Result: Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let rows: Int
        public let columns: Int
        public let count: Int
        public let width: Int
        public let height: Int
        /// `wrote PATH (ROWS x COLUMNS images, WxH px)`, the line the REPL prints.
        public var description: String {
            "wrote \(path) (\(rows) x \(columns) images, \(width)x\(height) px)"
        }
    }

    /// The layout for `n` images: rows and columns.
    public func layout(count n: Int) throws -> (rows: Int, columns: Int) {
        let cols: Int
        if let nrow {
            guard nrow > 0 else { throw ImageIOError("grid: nrow must be a positive number of images per row, got \(nrow)") }
            cols = min(nrow, n)
        } else {
            var c = 1
            while c * c < n { c += 1 }
            cols = c
        }
        return ((n + cols - 1) / cols, cols)
    }

    /// Renders `images` ([N, C, H, W], C = 1 or 3) into a grey (C = 1) or RGB (C = 3) picture.
    public func render(_ images: Tensor) throws -> PNGImage {
        let shape = images.shape
        guard shape.count == 4 else {
            throw ImageIOError("grid: images must have shape [N, C, H, W], got \(shape.shapeText) (rank \(shape.count))")
        }
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        guard c == 1 || c == 3 else {
            throw ImageIOError("grid: images must have 1 (grey) or 3 (RGB) channels, got C = \(c) in \(shape.shapeText)")
        }
        guard n > 0, h > 0, w > 0 else { throw ImageIOError("grid: images tensor \(shape.shapeText) is empty") }
        guard scale > 0 else { throw ImageIOError("grid: scale must be a positive integer, got \(scale)") }
        guard pad >= 0 else { throw ImageIOError("grid: pad must be zero or more pixels, got \(pad)") }
        guard padValue.isFinite else { throw ImageIOError("grid: padValue must be a finite number, got \(padValue)") }
        let (rows, cols) = try layout(count: n)
        let mapped = try intensities(images.data, n: n, c: c, hw: h * w)

        // Label column on the left.
        var labelWidth = 0
        let fontScale = labelScale ?? max(1, min(4, (h * scale + 20) / 40))
        if let labels {
            guard labels.count == rows else {
                throw ImageIOError("grid: labels has \(labels.count) entries but the grid has \(rows) rows")
            }
            guard fontScale > 0 else { throw ImageIOError("grid: labelScale must be positive, got \(fontScale)") }
            let widest = labels.map { BitmapFont.width(of: $0, scale: fontScale) }.max() ?? 0
            if widest > 0 { labelWidth = fontScale + widest + labelGap(fontScale) }
        }

        let cellW = w * scale, cellH = h * scale
        let (outW, o1) = (cols * cellW).addingReportingOverflow((cols - 1) * pad + labelWidth)
        let (outH, o2) = (rows * cellH).addingReportingOverflow((rows - 1) * pad)
        guard !o1, !o2, outW <= PNGImage.maxPixels, outH <= PNGImage.maxPixels,
              outW.multipliedReportingOverflow(by: outH).partialValue <= PNGImage.maxPixels,
              !outW.multipliedReportingOverflow(by: outH).overflow else {
            throw ImageIOError("grid: the picture would be too large (\(rows) x \(cols) cells of \(cellW)x\(cellH) px); lower scale")
        }

        let background = RGB(grey: PNGImage.unitByte(padValue))
        var canvas = Canvas(width: outW, height: outH, channels: c, background: background)
        let hw = h * w
        for i in 0..<n {
            let x0 = labelWidth + (i % cols) * (cellW + pad)
            let y0 = (i / cols) * (cellH + pad)
            let base = i * c * hw
            for y in 0..<cellH {
                let srcRow = (y / scale) * w
                var p = ((y0 + y) * outW + x0) * c
                for x in 0..<cellW {
                    let s = srcRow + x / scale
                    for ch in 0..<c {
                        canvas.pixels[p + ch] = PNGImage.unitByte(mapped[base + ch * hw + s])
                    }
                    p += c
                }
            }
        }

        if let labels, labelWidth > 0 {
            let ink: RGB = padValue >= 0.5 ? .black : .white
            let textH = BitmapFont.capRows * fontScale
            for (r, label) in labels.enumerated() {
                let tw = BitmapFont.width(of: label, scale: fontScale)
                let x = labelWidth - labelGap(fontScale) - tw
                let y = r * (cellH + pad) + (cellH - textH) / 2
                BitmapFont.draw(label, on: &canvas, x: x, y: y, scale: fontScale, color: ink)
            }
        }
        return canvas.image
    }

    /// Pixels between the end of a label and the first cell of its row.
    private func labelGap(_ fontScale: Int) -> Int { 2 * fontScale + pad }

    /// Renders `images` and writes the picture to `path` (atomically; see `PNGImage.write`).
    @discardableResult
    public func write(_ images: Tensor, to path: String) throws -> Result {
        let picture = try render(images)
        do {
            try picture.write(to: path)
        } catch let error as ImageIOError {
            throw error.retagged("grid")
        }
        let (rows, cols) = try layout(count: images.shape[0])
        return Result(path: path, rows: rows, columns: cols, count: images.shape[0],
                      width: picture.width, height: picture.height)
    }

    /// Maps raw values to intensities per `normalize` (clipping happens when bytes are made).
    func intensities(_ data: [Float], n: Int, c: Int, hw: Int) throws -> [Float] {
        switch normalize {
        case .none:
            return data
        case let .meanStd(mean, std):
            guard mean.count == c || mean.count == 1 else {
                throw ImageIOError("grid: mean has \(mean.count) values but the images have \(c) channel(s)")
            }
            guard std.count == c || std.count == 1 else {
                throw ImageIOError("grid: std has \(std.count) values but the images have \(c) channel(s)")
            }
            guard mean.allSatisfy(\.isFinite), std.allSatisfy(\.isFinite) else {
                throw ImageIOError("grid: mean and std must be finite numbers")
            }
            var out = data
            for i in 0..<n {
                for ch in 0..<c {
                    let m = mean.count == 1 ? mean[0] : mean[ch]
                    let s = std.count == 1 ? std[0] : std[ch]
                    let base = (i * c + ch) * hw
                    for j in base..<(base + hw) { out[j] = data[j] * s + m }
                }
            }
            return out
        case .each:
            var out = data
            let size = c * hw
            for i in 0..<n {
                let range = (i * size)..<((i + 1) * size)
                var lo = Float.infinity, hi = -Float.infinity
                for j in range where data[j].isFinite {
                    lo = min(lo, data[j]); hi = max(hi, data[j])
                }
                for j in range {
                    if !data[j].isFinite {
                        out[j] = data[j] > 0 ? 1 : 0  // +inf white; -inf and NaN black
                    } else {
                        out[j] = hi > lo ? (data[j] - lo) / (hi - lo) : 0.5
                    }
                }
            }
            return out
        }
    }
}
