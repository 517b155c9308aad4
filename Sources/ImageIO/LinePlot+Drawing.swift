// LinePlot+Drawing: rasterises a laid-out plot: grid, anti-aliased series (coverage from the
// distance to each segment), frame, ticks, text and legend. Layout decisions live in LinePlot.

extension LinePlot {
    static let inkColor = RGB(25, 25, 25)
    static let frameColor = RGB(70, 70, 70)
    static let gridColor = RGB(232, 232, 232)
    static let legendBorder = RGB(200, 200, 200)

    /// Draws the plot into an RGB picture of `width x height` pixels.
    public func render() throws -> PNGImage {
        let l = try layout()
        var canvas = Canvas(width: width, height: height, channels: 3, background: .white)
        let fs = l.fontScale
        let bottom = l.plotY + l.plotH
        let capH = BitmapFont.capRows * fs

        if showGrid {
            for t in l.xAxis.ticks {
                let x = Int(l.xAxis.pixel(t, start: Double(l.plotX), extent: Double(l.plotW)))
                canvas.fill(x: min(x, l.plotX + l.plotW - 1), y: l.plotY, w: 1, h: l.plotH, LinePlot.gridColor)
            }
            for t in l.yAxis.ticks {
                let y = Int(l.yAxis.pixel(t, start: Double(bottom), extent: -Double(l.plotH)))
                canvas.fill(x: l.plotX, y: min(y, bottom - 1), w: l.plotW, h: 1, LinePlot.gridColor)
            }
        }

        for (i, points) in pixelPoints(l).enumerated() {
            drawSeries(points, color: LinePlot.color(i), layout: l, on: &canvas)
        }

        // Frame just outside the plot area, so lines at the edges are not hidden.
        canvas.stroke(x: l.plotX - 1, y: l.plotY - 1, w: l.plotW + 2, h: l.plotH + 2, LinePlot.frameColor)
        let tickW = max(1, fs / 2)
        for (t, label) in zip(l.xAxis.ticks, l.xAxis.labels) {
            let x = min(Int(l.xAxis.pixel(t, start: Double(l.plotX), extent: Double(l.plotW))), l.plotX + l.plotW - 1)
            canvas.fill(x: x - tickW / 2, y: bottom + 1, w: tickW, h: l.tickLength, LinePlot.frameColor)
            let w = BitmapFont.width(of: label, scale: fs)
            let tx = max(0, min(width - w, x - w / 2))
            BitmapFont.draw(label, on: &canvas, x: tx, y: bottom + 1 + l.tickLength + l.gap, scale: fs, color: LinePlot.inkColor)
        }
        for (t, label) in zip(l.yAxis.ticks, l.yAxis.labels) {
            let y = min(Int(l.yAxis.pixel(t, start: Double(bottom), extent: -Double(l.plotH))), bottom - 1)
            canvas.fill(x: l.plotX - 1 - l.tickLength, y: y - tickW / 2, w: l.tickLength, h: tickW, LinePlot.frameColor)
            let w = BitmapFont.width(of: label, scale: fs)
            BitmapFont.draw(label, on: &canvas, x: l.plotX - 1 - l.tickLength - l.gap - w, y: y - capH / 2,
                            scale: fs, color: LinePlot.inkColor)
        }

        let lineH = BitmapFont.height(scale: fs)
        if let xLabel {
            let w = BitmapFont.width(of: xLabel, scale: fs)
            let y = bottom + 1 + l.tickLength + l.gap + lineH + l.gap
            BitmapFont.draw(xLabel, on: &canvas, x: max(0, l.plotX + (l.plotW - w) / 2), y: y, scale: fs,
                            color: LinePlot.inkColor)
        }
        if let yLabel {
            let w = BitmapFont.width(of: yLabel, scale: fs)
            BitmapFont.draw(yLabel, on: &canvas, x: 2 * l.gap, y: max(0, l.plotY + (l.plotH - w) / 2), scale: fs,
                            color: LinePlot.inkColor, vertical: true)
        }
        if let title {
            // Bold by striking twice, one pixel apart.
            let w = BitmapFont.width(of: title, scale: fs) + 1
            let x = max(l.gap, min(width - w - l.gap, l.plotX + (l.plotW - w) / 2))
            for dx in 0...1 {
                BitmapFont.draw(title, on: &canvas, x: x + dx, y: 2 * l.gap, scale: fs, color: LinePlot.inkColor)
            }
        }
        if let box = l.legend { drawLegend(box, layout: l, on: &canvas) }
        return canvas.image
    }

    /// Anti-aliased polyline with round joins and caps: each pixel's coverage is how far its
    /// centre lies inside the stroke (`halfWidth + 0.5 - distance`, clamped to [0, 1]), taking the
    /// maximum over segments so joins are not darkened twice. Points with no finite neighbour
    /// are drawn as dots. Everything is clipped to the plot area.
    private func drawSeries(_ points: [(Double, Double)?], color: RGB, layout l: Layout, on canvas: inout Canvas) {
        var coverage = [Float](repeating: 0, count: l.plotW * l.plotH)
        let r = lineWidth / 2
        let dot = max(2.5, lineWidth * 1.25)

        func stamp(_ p: (Double, Double), _ q: (Double, Double), radius: Double) {
            let reach = radius + 1
            let x0 = max(l.plotX, Int((min(p.0, q.0) - reach).rounded(.down)))
            let x1 = min(l.plotX + l.plotW - 1, Int((max(p.0, q.0) + reach).rounded(.up)))
            let y0 = max(l.plotY, Int((min(p.1, q.1) - reach).rounded(.down)))
            let y1 = min(l.plotY + l.plotH - 1, Int((max(p.1, q.1) + reach).rounded(.up)))
            guard x0 <= x1, y0 <= y1 else { return }
            let dx = q.0 - p.0, dy = q.1 - p.1
            let length2 = dx * dx + dy * dy
            for y in y0...y1 {
                let cy = Double(y) + 0.5
                for x in x0...x1 {
                    let cx = Double(x) + 0.5
                    var t = length2 > 0 ? ((cx - p.0) * dx + (cy - p.1) * dy) / length2 : 0
                    t = min(1, max(0, t))
                    let ex = cx - (p.0 + t * dx), ey = cy - (p.1 + t * dy)
                    let c = Float(min(1, max(0, radius + 0.5 - (ex * ex + ey * ey).squareRoot())))
                    let k = (y - l.plotY) * l.plotW + (x - l.plotX)
                    if c > coverage[k] { coverage[k] = c }
                }
            }
        }

        for i in points.indices {
            guard let p = points[i] else { continue }
            let next = i + 1 < points.count ? points[i + 1] : nil
            let previous = i > 0 ? points[i - 1] : nil
            if let q = next { stamp(p, q, radius: r) }
            if next == nil && previous == nil { stamp(p, p, radius: dot) }
        }
        for y in 0..<l.plotH {
            for x in 0..<l.plotW {
                let c = coverage[y * l.plotW + x]
                if c > 0 { canvas.blend(l.plotX + x, l.plotY + y, color, c) }
            }
        }
    }

    private func drawLegend(_ box: (x: Int, y: Int, w: Int, h: Int), layout l: Layout, on canvas: inout Canvas) {
        let fs = l.fontScale
        canvas.fill(x: box.x, y: box.y, w: box.w, h: box.h, .white)
        canvas.stroke(x: box.x, y: box.y, w: box.w, h: box.h, LinePlot.legendBorder)
        let rowH = BitmapFont.height(scale: fs) + 2 * fs
        let sample = 8 * fs
        let thickness = max(1, Int(lineWidth.rounded()))
        for i in series.indices {
            let y = box.y + l.gap + i * rowH
            let mid = y + BitmapFont.capRows * fs / 2
            if hasSegments(i) {
                canvas.fill(x: box.x + l.gap, y: mid - thickness / 2, w: sample, h: thickness, LinePlot.color(i))
            } else {
                let d = max(3, Int((max(2.5, lineWidth * 1.25) * 2).rounded()))
                canvas.fill(x: box.x + l.gap + (sample - d) / 2, y: mid - d / 2, w: d, h: d, LinePlot.color(i))
            }
            BitmapFont.draw(legendText(i), on: &canvas, x: box.x + l.gap + sample + l.gap, y: y, scale: fs,
                            color: LinePlot.inkColor)
        }
    }
}
