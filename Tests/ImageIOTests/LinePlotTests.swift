// Tests for LinePlot and PlotAxis: picture size, series colours in the plot area, skipped
// NaN/inf points, single points and constant series, nice ticks and labels, argument errors.
import Foundation
import Testing
@testable import ImageIO

private func plotError(_ body: () throws -> Void) -> String {
    do { try body(); return "no error" } catch { return "\(error)" }
}

private func pixel(_ img: PNGImage, _ x: Int, _ y: Int) -> RGB {
    RGB(img[x: x, y: y, c: 0], img[x: x, y: y, c: 1], img[x: x, y: y, c: 2])
}

/// Colours found in the plot area, outside the legend box.
private func plotAreaColors(_ plot: LinePlot) throws -> Set<RGB> {
    let img = try plot.render()
    let l = try plot.layout()
    var colors = Set<RGB>()
    for y in l.plotY..<(l.plotY + l.plotH) {
        for x in l.plotX..<(l.plotX + l.plotW) {
            if let b = l.legend, x >= b.x, x < b.x + b.w, y >= b.y, y < b.y + b.h { continue }
            colors.insert(pixel(img, x, y))
        }
    }
    return colors
}

/// The pixel where the data point (x, y) lands.
private func location(_ l: LinePlot.Layout, _ x: Double, _ y: Double) -> (Int, Int) {
    (Int(l.xAxis.pixel(x, start: Double(l.plotX), extent: Double(l.plotW))),
     Int(l.yAxis.pixel(y, start: Double(l.plotY + l.plotH), extent: -Double(l.plotH))))
}

@Test func plotHasTheRequestedSizeAndEverySeriesColour() throws {
    let series = (0..<3).map { k in PlotSeries((0..<50).map { Double($0 * (k + 1)) }, label: "s\(k)") }
    let plot = LinePlot(series, title: "T", xLabel: "x", yLabel: "y", width: 420, height: 260)
    let img = try plot.render()
    #expect(img.width == 420 && img.height == 260 && img.channels == 3)
    let colors = try plotAreaColors(plot)
    for k in 0..<3 { #expect(colors.contains(LinePlot.color(k)), "series \(k)") }
    #expect(!colors.contains(LinePlot.color(3)))
    // Anti-aliasing: a diagonal line leaves blended colours, not only pure ones.
    #expect(colors.count > 20)
    // The same plot renders to the same bytes.
    #expect(try plot.render() == img)
}

@Test func plotWritesAReadablePNG() throws {
    let dir = try TempFolder()
    defer { dir.remove() }
    let path = dir.file("loss.png")
    let plot = LinePlot([PlotSeries([Float](arrayLiteral: 3, 2, 1.5, 1.2))], width: 300, height: 200)
    let result = try plot.write(to: path)
    #expect(result.description == "wrote \(path) (1 series, 300x200 px)")
    #expect(try PNGImage.read(path: path) == plot.render())
    #expect(plotError { try plot.write(to: dir.file("no/loss.png")) }.hasPrefix("plot: cannot write"))
}

@Test func nonFinitePointsAreSkippedAndBreakTheLine() throws {
    let plot = LinePlot([PlotSeries([0, .nan, 2, .infinity, 4, 4])], width: 400, height: 300, showGrid: false)
    let img = try plot.render()
    let l = try plot.layout()
    let color = LinePlot.color(0)
    // Points 4 and 5 are joined: their midpoint is drawn.
    let (mx, my) = location(l, 4.5, 4)
    #expect(pixel(img, mx, my) == color)
    // 0 and 2 are not joined across the NaN: nothing near the chord's midpoint (1, 1).
    let (cx, cy) = location(l, 1, 1)
    for dy in -3...3 { for dx in -3...3 { #expect(pixel(img, cx + dx, cy + dy) == .white) } }
    // 2 is isolated (NaN before, inf after): drawn as a dot.
    let (dx, dy) = location(l, 2, 2)
    #expect(pixel(img, dx, dy) == color)
}

@Test func singlePointAndConstantSeriesAreDrawn() throws {
    let single = LinePlot([PlotSeries([0.7], x: [5])], width: 200, height: 200)
    let l = try single.layout()
    #expect(l.yAxis.lo < 0.7 && l.yAxis.hi > 0.7 && l.xAxis.lo < 5 && l.xAxis.hi > 5)
    let (x, y) = location(l, 5, 0.7)
    #expect(pixel(try single.render(), x, y) == LinePlot.color(0))

    let constant = LinePlot([PlotSeries([3, 3, 3, 3])], width: 300, height: 200)
    let lc = try constant.layout()
    #expect(lc.yAxis.lo < 3 && lc.yAxis.hi > 3)
    let (px, py) = location(lc, 1.5, 3)
    #expect(pixel(try constant.render(), px, py) == LinePlot.color(0))
    let zero = try LinePlot([PlotSeries([0, 0])], width: 200, height: 200).layout()
    #expect(zero.yAxis.lo == -1 && zero.yAxis.hi == 1)
}

@Test func textIsDrawn() throws {
    let bare = LinePlot([PlotSeries([1, 2, 3])], width: 300, height: 200)
    var titled = bare
    titled.title = "Loss"
    let a = try bare.render(), b = try titled.render()
    let lb = try titled.layout()
    // The title adds ink above the plot area.
    let ink = (0..<(lb.plotY - 2)).flatMap { y in (0..<300).map { pixel(b, $0, y) } }.filter { $0 == LinePlot.inkColor }
    #expect(ink.count > 20)
    #expect(a != b)
    var legend = bare
    legend.series[0].label = "train"
    #expect(try legend.layout().legend != nil)
    #expect(try bare.layout().legend == nil)
}

@Test func ticksAreNiceAndInsideTheAxis() throws {
    #expect(PlotAxis.niceStep(0.13) == 0.2)
    #expect(PlotAxis.niceStep(3.1) == 5)
    #expect(PlotAxis.niceStep(7) == 10)
    #expect(PlotAxis.niceStep(1) == 1)
    for (lo, hi) in [(0.0, 1.0), (-3.7, 12.2), (1e-6, 3e-5), (1000.0, 1000.5), (-1e9, 2e9)] {
        let axis = PlotAxis(dataMin: lo, dataMax: hi, margin: 0.05, pixels: 400, spacing: 60)
        #expect(axis.ticks.count >= 2 && axis.ticks.count <= 11, "\(lo)...\(hi): \(axis.ticks)")
        #expect(axis.ticks.allSatisfy { $0 >= axis.lo - 1e-9 * axis.step && $0 <= axis.hi + 1e-9 * axis.step })
        #expect(axis.ticks.allSatisfy { abs(($0 / axis.step).rounded() * axis.step - $0) <= 1e-9 * axis.step })
        #expect(Set(axis.labels).count == axis.labels.count, "labels repeat: \(axis.labels)")
    }
    let indices = PlotAxis(dataMin: 0, dataMax: 3, margin: 0, pixels: 400, spacing: 50, integerSteps: true)
    #expect(indices.ticks == [0, 1, 2, 3])
}

@Test(arguments: [
    (0.25, 0.05, "0.25"), (1500, 500, "1500"), (-3, 1, "-3"), (0, 0.1, "0"), (2, 0.5, "2.0"),
    (-0.2, 0.2, "-0.2"), (2e-6, 1e-6, "2e-06"), (1.5e-5, 5e-6, "1.5e-05"), (1.5e7, 5e6, "1.5e+07"),
    (1e-4, 1e-4, "0.0001"),
] as [(Double, Double, String)])
func tickLabelFormat(_ value: Double, _ step: Double, _ text: String) {
    #expect(PlotAxis.format(value, step: step) == text)
}

@Test func badPlotArgumentsAreErrors() {
    #expect(plotError { _ = try LinePlot([]).render() }.contains("no series"))
    #expect(plotError { _ = try LinePlot([PlotSeries([1]), PlotSeries([Double]())]).render() }.contains("series 2 is empty"))
    #expect(plotError { _ = try LinePlot([PlotSeries([1, 2], x: [1])]).render() }.contains("x has 1 values"))
    #expect(plotError { _ = try LinePlot([PlotSeries([.nan, .infinity])]).render() }.contains("NaN or infinite"))
    #expect(plotError { _ = try LinePlot([PlotSeries([-1e308, 1e308])]).render() }.contains("too large"))
    #expect(plotError { _ = try LinePlot([PlotSeries([1])], width: 10).render() }.contains("width"))
    #expect(plotError { _ = try LinePlot([PlotSeries([1])], height: 90000).render() }.contains("height"))
    #expect(plotError { _ = try LinePlot([PlotSeries([1])], lineWidth: 0).render() }.contains("lineWidth"))
}

@Test func logAxisTicksFallOnPowersOfTen() {
    let wide = PlotAxis(logMin: -3, logMax: log10(50), margin: 0.05, pixels: 400, spacing: 56)
    #expect(wide.labels == ["0.001", "0.01", "0.1", "1", "10"])
    #expect(wide.ticks == [-3, -2, -1, 0, 1])
    let mid = PlotAxis(logMin: log10(0.3), logMax: log10(2.5), margin: 0.05, pixels: 400, spacing: 56)
    #expect(mid.labels == ["0.5", "1", "2"])
    // Under a factor of two: nice ticks in value space, placed at their logarithms.
    let narrow = PlotAxis(logMin: log10(0.31), logMax: log10(0.35), margin: 0.05, pixels: 400, spacing: 56)
    #expect(narrow.labels.first == "0.31" && narrow.labels.count >= 3)
    #expect(abs(narrow.ticks[0] - log10(0.31)) < 1e-12)
    let huge = PlotAxis(logMin: -30, logMax: 30, margin: 0, pixels: 400, spacing: 56)
    #expect(huge.ticks.count >= 2 && huge.ticks.count <= 11)
    #expect(huge.labels == ["1e-30", "1e-20", "1e-10", "1", "1e+10", "1e+20", "1e+30"])
}

@Test func logPlotSkipsNonPositiveValues() throws {
    let plot = LinePlot([PlotSeries([100, 10, 0, -5, 1, 0.1])], width: 300, height: 200, showGrid: false, logY: true)
    let l = try plot.layout()
    #expect(l.yAxis.lo < -1 && l.yAxis.hi > 2)
    let img = try plot.render()
    let p = try #require(plot.pixelPoints(l)[0][0]), q = try #require(plot.pixelPoints(l)[0][1])
    #expect(plot.pixelPoints(l)[0][2] == nil && plot.pixelPoints(l)[0][3] == nil)
    // 100 and 10 are joined; on a log axis their midpoint in pixels is sqrt(1000).
    let (mx, my) = (Int((p.0 + q.0) / 2), Int((p.1 + q.1) / 2))
    #expect(pixel(img, mx, my) == LinePlot.color(0))
    #expect(abs(l.yAxis.pixel(log10(1000.0.squareRoot()), start: Double(l.plotY + l.plotH), extent: -Double(l.plotH))
                - (p.1 + q.1) / 2) < 1e-9)
    #expect(plotError { _ = try LinePlot([PlotSeries([0, -1])], logY: true).render() }.contains("positive"))
}
