// PlotAxis: the value range of one plot axis, its "nice" tick values (1, 2 or 5 times a power
// of ten) and their printed labels. Pure arithmetic; drawing lives in LinePlot+Drawing.swift.
import Glibc

/// One axis of a line plot: the shown range `lo...hi`, tick values inside it and their labels.
struct PlotAxis: Equatable {
    let lo: Double
    let hi: Double
    let step: Double
    let ticks: [Double]
    let labels: [String]

    /// An axis covering `dataMin...dataMax`, widened by `margin` (a fraction of the range) on
    /// each side, with about one tick per `spacing` pixels of `pixels`.
    ///
    /// A zero-width range (one point, a constant series) is widened around its value so the
    /// data sit in the middle of the axis. With `integerSteps`, ticks are whole numbers (for
    /// iteration counts and indices).
    init(dataMin: Double, dataMax: Double, margin: Double, pixels: Int, spacing: Int, integerSteps: Bool = false) {
        precondition(dataMin.isFinite && dataMax.isFinite && dataMin <= dataMax, "axis range must be finite")
        var lo = dataMin, hi = dataMax
        if hi - lo <= Swift.max(abs(lo), abs(hi)) * 1e-12 {
            let d = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= d
            hi += d
        } else {
            let pad = (hi - lo) * margin
            lo -= pad
            hi += pad
        }
        let target = Swift.max(2, Swift.min(10, pixels / Swift.max(1, spacing)))
        var step = PlotAxis.niceStep((hi - lo) / Double(target))
        if integerSteps { step = Swift.max(1, step) }
        var ticks: [Double] = []
        var k = (lo / step).rounded(.up)
        while k * step <= hi + step * 1e-9, ticks.count < 100 {
            let t = k * step
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            k += 1
        }
        self.lo = lo
        self.hi = hi
        self.step = step
        self.ticks = ticks
        self.labels = ticks.map { PlotAxis.format($0, step: step) }
    }

    /// A logarithmic axis: `logMin` and `logMax` are log10 of the data range, and so are `lo`,
    /// `hi` and `ticks`; labels show the values themselves. Ticks fall on powers of ten, with 2
    /// and 5 times them added when the range spans under two decades (every integer multiple
    /// under one).
    init(logMin: Double, logMax: Double, margin: Double, pixels: Int, spacing: Int) {
        var axis = PlotAxis(dataMin: logMin, dataMax: logMax, margin: margin, pixels: pixels, spacing: spacing)
        let decades = axis.hi - axis.lo
        let target = Swift.max(2, Swift.min(10, pixels / Swift.max(1, spacing)))
        let multiples: [Double] = decades >= 2 ? [1] : decades >= 0.7 ? [1, 2, 5] : [1, 2, 3, 4, 5, 6, 7, 8, 9]
        let every = Swift.max(1, Int(PlotAxis.niceStep(decades / Double(target))))
        var ticks: [Double] = [], labels: [String] = []
        var e = Int(axis.lo.rounded(.down))
        e -= ((e % every) + every) % every
        while Double(e) <= axis.hi, ticks.count < 100 {
            for m in multiples {
                let t = Double(e) + log10(m)
                guard t >= axis.lo - 1e-12, t <= axis.hi + 1e-12 else { continue }
                ticks.append(t)
                labels.append(PlotAxis.formatPower(m, e))
            }
            e += every
        }
        if ticks.count >= 2 {
            axis = PlotAxis(lo: axis.lo, hi: axis.hi, step: Double(every), ticks: ticks, labels: labels)
        } else {
            // A narrow range with fewer than two round values: nice ticks in value space.
            let linear = PlotAxis(dataMin: Glibc.pow(10, axis.lo), dataMax: Glibc.pow(10, axis.hi), margin: 0,
                                  pixels: pixels, spacing: spacing)
            let kept = zip(linear.ticks, linear.labels).filter { $0.0 > 0 }
            axis = PlotAxis(lo: axis.lo, hi: axis.hi, step: linear.step, ticks: kept.map { log10($0.0) },
                            labels: kept.map(\.1))
        }
        self = axis
    }

    private init(lo: Double, hi: Double, step: Double, ticks: [Double], labels: [String]) {
        self.lo = lo
        self.hi = hi
        self.step = step
        self.ticks = ticks
        self.labels = labels
    }

    /// `m * 10^e` as "0.02", "500" or "2e-05".
    static func formatPower(_ m: Double, _ e: Int) -> String {
        let mantissa = String(Int(m))
        if e >= -4 && e < 6 {
            return fixed(m * pow10(e), decimals: Swift.max(0, -e))
        }
        return mantissa + "e" + (e < 0 ? "-" : "+") + (abs(e) < 10 ? "0" : "") + String(abs(e))
    }

    /// The smallest of 1, 2, 5 times a power of ten that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow10(Int((log10(raw)).rounded(.down)))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// `value` printed with as many decimals as `step` needs ("0.25", "1500", "-3"), or in
    /// scientific notation without trailing zeros ("2e-06", "1.5e+07") for very small steps or
    /// very large values.
    static func format(_ value: Double, step: Double) -> String {
        if value == 0 { return "0" }
        let stepExponent = Int((log10(step) + 1e-9).rounded(.down))
        let valueExponent = Int((log10(abs(value)) + 1e-9).rounded(.down))
        if stepExponent < -4 || valueExponent >= 6 {
            let mantissa = value / pow10(valueExponent)
            let digits = Swift.max(0, valueExponent - stepExponent)
            let sign = valueExponent < 0 ? "-" : "+"
            let e = abs(valueExponent)
            var m = fixed(mantissa, decimals: Swift.min(digits, 6))
            if m.contains(".") {
                while m.hasSuffix("0") { m.removeLast() }
                if m.hasSuffix(".") { m.removeLast() }
            }
            return m + "e" + sign + (e < 10 ? "0" : "") + String(e)
        }
        return fixed(value, decimals: Swift.max(0, -stepExponent))
    }

    /// `value` rounded to `decimals` places, printed without exponent; no "-0".
    static func fixed(_ value: Double, decimals: Int) -> String {
        let scaled = (abs(value) * pow10(decimals)).rounded()
        guard scaled < 9e15 else { return String(value) }
        let digits = String(Int64(scaled))
        let negative = value < 0 && scaled != 0
        var text: String
        if decimals == 0 {
            text = digits
        } else {
            let padded = String(repeating: "0", count: Swift.max(0, decimals + 1 - digits.count)) + digits
            let cut = padded.index(padded.endIndex, offsetBy: -decimals)
            text = padded[..<cut] + "." + padded[cut...]
            // Trailing zeros stay: every tick of an axis has the same number of decimals.
        }
        return negative ? "-" + text : text
    }

    /// 10 to the power `e`, exact for the exponents ticks use.
    static func pow10(_ e: Int) -> Double {
        var result = 1.0
        if e >= 0 {
            for _ in 0..<e { result *= 10 }
        } else {
            for _ in 0..<(-e) { result /= 10 }
        }
        return result
    }

    /// Maps `value` on this axis to a pixel coordinate, `start` at `lo` and `start + extent` at
    /// `hi` (pass a negative extent for a y axis that grows upwards).
    func pixel(_ value: Double, start: Double, extent: Double) -> Double {
        start + (value - lo) / (hi - lo) * extent
    }
}
