// LinePlot: line plots of one or more series (loss histories, accuracy curves) described as a
// value, checked, and laid out here; pixels are drawn in LinePlot+Drawing.swift. Log scale on
// y only (loss curves); no bar charts, scatter styles or multiple axes.

import Glibc

/// One curve of a line plot: y values, optional x values (default 0, 1, 2, ...), a legend label.
///
/// Points whose x or y is NaN or infinite are skipped and break the line there.
public struct PlotSeries: Sendable, Equatable {
    public var y: [Double]
    public var x: [Double]?
    public var label: String?

    public init(_ y: [Double], x: [Double]? = nil, label: String? = nil) {
        self.y = y
        self.x = x
        self.label = label
    }

    /// A series from Float values (loss histories are stored as Float).
    @_disfavoredOverload
    public init(_ y: [Float], x: [Float]? = nil, label: String? = nil) {
        self.init(y.map(Double.init), x: x.map { $0.map(Double.init) }, label: label)
    }

    /// The x value of point `i`.
    func xValue(_ i: Int) -> Double { x?[i] ?? Double(i) }
}

/// A line plot rendered straight to a PNG: axes with nice ticks and numbers, optional grid
/// lines, title, axis labels, a legend, distinct colours and anti-aliased lines.
///
///     var plot = LinePlot([PlotSeries(syn.loss, label: "DM")], title: "Distillation loss",
///                         xLabel: "iteration", yLabel: "loss")
///     let result = try plot.write(to: "out/loss.png")
///     print(result)   // wrote out/loss.png (1 series, 800x500 px)
public struct LinePlot: Sendable, Equatable {
    public var series: [PlotSeries]
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    /// Picture size in pixels (each between 160 and 8000).
    public var width: Int
    public var height: Int
    /// Line width in pixels (up to 50).
    public var lineWidth: Double
    /// Light grid lines at the ticks.
    public var showGrid: Bool
    /// Draw the legend: nil means "when there are several series or any series has a label".
    public var showLegend: Bool?
    /// Logarithmic y axis (ticks at powers of ten); points with y <= 0 are skipped.
    public var logY: Bool

    public init(_ series: [PlotSeries], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
                width: Int = 800, height: Int = 500, lineWidth: Double = 2, showGrid: Bool = true,
                showLegend: Bool? = nil, logY: Bool = false) {
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = width
        self.height = height
        self.lineWidth = lineWidth
        self.showGrid = showGrid
        self.showLegend = showLegend
        self.logY = logY
    }

    /// Series colours, in order; they repeat after eight series. The first six are the
    /// Okabe-Ito colour-blind-safe set.
    public static let palette: [RGB] = [
        RGB(0, 114, 178), RGB(213, 94, 0), RGB(0, 158, 115), RGB(204, 121, 167),
        RGB(230, 159, 0), RGB(86, 180, 233), RGB(120, 120, 120), RGB(140, 86, 40),
    ]

    /// The colour of series `i`.
    public static func color(_ i: Int) -> RGB { palette[i % palette.count] }

    /// What `write` produced.
    public struct Result: Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let series: Int
        public let width: Int
        public let height: Int
        /// `wrote PATH (N series, WxH px)`, the line the REPL prints.
        public var description: String { "wrote \(path) (\(series) series, \(width)x\(height) px)" }
    }

    /// Renders the plot and writes it as an RGB PNG (atomically; see `PNGImage.write`).
    @discardableResult
    public func write(to path: String) throws -> Result {
        let picture = try render()
        do {
            try picture.write(to: path)
        } catch let error as ImageIOError {
            throw error.retagged("plot")
        }
        return Result(path: path, series: series.count, width: picture.width, height: picture.height)
    }

    /// Checks every argument a user can get wrong.
    func validate() throws {
        guard !series.isEmpty else { throw ImageIOError("plot: no series to plot") }
        for (i, s) in series.enumerated() {
            guard !s.y.isEmpty else { throw ImageIOError("plot: series \(i + 1) is empty") }
            if let x = s.x, x.count != s.y.count {
                throw ImageIOError("plot: series \(i + 1) has \(s.y.count) y values but x has \(x.count) values")
            }
        }
        guard (160...8000).contains(width) else { throw ImageIOError("plot: width must be 160 to 8000 pixels, got \(width)") }
        guard (160...8000).contains(height) else { throw ImageIOError("plot: height must be 160 to 8000 pixels, got \(height)") }
        guard lineWidth > 0, lineWidth <= 50 else {
            throw ImageIOError("plot: lineWidth must be above 0 and at most 50 pixels, got \(lineWidth)")
        }
    }

    /// Where everything goes, in pixels.
    struct Layout {
        var fontScale: Int
        var plotX: Int, plotY: Int, plotW: Int, plotH: Int
        var xAxis: PlotAxis
        var yAxis: PlotAxis
        var tickLength: Int
        var gap: Int
        var legend: (x: Int, y: Int, w: Int, h: Int)?
    }

    /// Finite data ranges over all series, or an error when nothing can be plotted.
    func dataRange() throws -> (xMin: Double, xMax: Double, yMin: Double, yMax: Double) {
        var xMin = Double.infinity, xMax = -Double.infinity, yMin = Double.infinity, yMax = -Double.infinity
        for s in series {
            for i in s.y.indices {
                guard let (x, y) = point(s, i) else { continue }
                xMin = min(xMin, x); xMax = max(xMax, x)
                yMin = min(yMin, y); yMax = max(yMax, y)
            }
        }
        guard xMin <= xMax else {
            if logY { throw ImageIOError("plot: nothing to draw: with logY every point needs a positive, finite y") }
            throw ImageIOError("plot: nothing to draw: every point has a NaN or infinite value")
        }
        guard (xMax - xMin).isFinite, (yMax - yMin).isFinite else {
            throw ImageIOError("plot: values are too large to plot (the range overflows)")
        }
        return (xMin, xMax, yMin, yMax)
    }

    /// Margins are sized from the text they hold, so the plot area is as large as it can be.
    func layout() throws -> Layout {
        try validate()
        let range = try dataRange()
        let fs = max(1, (min(width, height) + 100) / 250)
        let gap = 4 * fs
        let tick = 3 * fs
        let lineH = BitmapFont.height(scale: fs)

        let top = title != nil ? gap * 2 + lineH + gap : gap * 3
        let bottom = tick + gap + lineH + (xLabel != nil ? gap + lineH : 0) + gap
        let plotH = max(20, height - top - bottom)
        let yAxis = logY
            ? PlotAxis(logMin: range.yMin, logMax: range.yMax, margin: 0.05, pixels: plotH, spacing: 28 * fs)
            : PlotAxis(dataMin: range.yMin, dataMax: range.yMax, margin: 0.05, pixels: plotH, spacing: 28 * fs)
        let yLabelsW = yAxis.labels.map { BitmapFont.width(of: $0, scale: fs) }.max() ?? 0
        let left = gap * 2 + (yLabel != nil ? lineH + gap : 0) + yLabelsW + gap + tick
        // The last x label is centred on its tick and may stick out to the right.
        var right = gap * 3
        let integerX = series.allSatisfy { s in s.x?.allSatisfy { !$0.isFinite || $0 == $0.rounded() } ?? true }
        var plotW = max(20, width - left - right)
        var xAxis = PlotAxis(dataMin: range.xMin, dataMax: range.xMax, margin: 0, pixels: plotW, spacing: 50 * fs,
                             integerSteps: integerX)
        if let last = xAxis.labels.last, let lastTick = xAxis.ticks.last {
            let tickX = xAxis.pixel(lastTick, start: 0, extent: Double(plotW))
            let overhang = Int(tickX) + BitmapFont.width(of: last, scale: fs) / 2 + gap - plotW
            if overhang > right {
                right = overhang
                plotW = max(20, width - left - right)
                xAxis = PlotAxis(dataMin: range.xMin, dataMax: range.xMax, margin: 0, pixels: plotW, spacing: 50 * fs,
                             integerSteps: integerX)
            }
        }
        var result = Layout(fontScale: fs, plotX: left, plotY: top, plotW: plotW, plotH: plotH,
                            xAxis: xAxis, yAxis: yAxis, tickLength: tick, gap: gap, legend: nil)
        let wantsLegend = showLegend ?? (series.count > 1 || series.contains { $0.label != nil })
        if wantsLegend { result.legend = legendBox(result) }
        return result
    }

    /// Point `i` of `s` in axis units (log10 of y on a log axis), or nil when it is skipped.
    func point(_ s: PlotSeries, _ i: Int) -> (Double, Double)? {
        let x = s.xValue(i), y = s.y[i]
        guard x.isFinite, y.isFinite else { return nil }
        if logY {
            guard y > 0 else { return nil }
            return (x, log10(y))
        }
        return (x, y)
    }

    /// Each series' points in pixel coordinates (pixel centres at integer + 0.5); nil where a
    /// point is skipped for a NaN or infinite value.
    func pixelPoints(_ l: Layout) -> [[(Double, Double)?]] {
        series.map { s in
            s.y.indices.map { i -> (Double, Double)? in
                guard let (xv, yv) = point(s, i) else { return nil }
                return (l.xAxis.pixel(xv, start: Double(l.plotX), extent: Double(l.plotW)),
                        l.yAxis.pixel(yv, start: Double(l.plotY + l.plotH), extent: -Double(l.plotH)))
            }
        }
    }

    /// True when series `i` has at least one segment (two consecutive finite points); a series
    /// without one is drawn, and shown in the legend, as dots.
    func hasSegments(_ i: Int) -> Bool {
        let s = series[i]
        return s.y.indices.dropLast().contains { k in
            point(s, k) != nil && point(s, k + 1) != nil
        }
    }

    /// Legend text for series `i`.
    func legendText(_ i: Int) -> String { series[i].label ?? "series \(i + 1)" }

    /// The legend's rectangle: in whichever corner of the plot area covers the fewest points.
    private func legendBox(_ l: Layout) -> (x: Int, y: Int, w: Int, h: Int) {
        let fs = l.fontScale
        let sample = 8 * fs
        let textW = series.indices.map { BitmapFont.width(of: legendText($0), scale: fs) }.max() ?? 0
        let rowH = BitmapFont.height(scale: fs) + 2 * fs
        let w = l.gap + sample + l.gap + textW + l.gap
        let h = l.gap + rowH * series.count - 2 * fs + l.gap
        let inset = l.gap
        let corners = [
            (l.plotX + l.plotW - inset - w, l.plotY + inset),              // upper right
            (l.plotX + inset, l.plotY + inset),                            // upper left
            (l.plotX + l.plotW - inset - w, l.plotY + l.plotH - inset - h), // lower right
            (l.plotX + inset, l.plotY + l.plotH - inset - h),              // lower left
        ]
        // Sample every line about every 3 px so long segments count, not only their ends.
        var samples: [(Double, Double)] = []
        for points in pixelPoints(l) {
            for i in points.indices {
                guard let p = points[i] else { continue }
                samples.append(p)
                guard i + 1 < points.count, let q = points[i + 1] else { continue }
                let steps = min(2000, Int(((q.0 - p.0) * (q.0 - p.0) + (q.1 - p.1) * (q.1 - p.1)).squareRoot() / 3))
                for k in stride(from: 1, to: steps, by: 1) {
                    let t = Double(k) / Double(steps)
                    samples.append((p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t))
                }
            }
        }
        var best = corners[0], bestCount = Int.max
        for corner in corners {
            let x0 = Double(corner.0 - l.gap), x1 = Double(corner.0 + w + l.gap)
            let y0 = Double(corner.1 - l.gap), y1 = Double(corner.1 + h + l.gap)
            let count = samples.reduce(0) { $0 + ($1.0 >= x0 && $1.0 <= x1 && $1.1 >= y0 && $1.1 <= y1 ? 1 : 0) }
            if count < bestCount { best = corner; bestCount = count }
        }
        return (best.0, best.1, w, h)
    }
}
