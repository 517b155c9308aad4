// Formatting of one progress report: bar, counts, named figures, rate and ETA. Shared by the
// terminal bar and the plain-line variant; pure so it can be tested.
import Foundation

/// Renders progress text.
///
///     ProgressLine.render(title: "dm", step: 1460, total: 2000, figures: [("loss", 2.41)],
///                         elapsed: 768, barWidth: 20)
///     // dm ▕██████████████▌     ▏ 1460/2000  loss 2.41  1.9 it/s  ETA 4:44
public enum ProgressLine {
    public static func render(title: String, step: Int, total: Int, figures: [(String, Double)],
                              elapsed: Double, barWidth: Int?) -> String {
        var parts = [title]
        if let width = barWidth, total > 0 { parts.append(bar(Double(step) / Double(total), width: width)) }
        parts.append(total > 0 ? "\(step)/\(total)" : "\(step)")
        var tail = figures.map { "\($0.0) \(figure($0.1))" }
        if elapsed > 0, step > 0 {
            let rate = Double(step) / elapsed
            tail.append(rate >= 1 ? String(format: "%.1f it/s", rate) : String(format: "%.1f s/it", 1 / rate))
            if total > step { tail.append("ETA " + clock(Double(total - step) / rate)) }
        }
        return ([parts.joined(separator: " ")] + tail).joined(separator: "  ")
    }

    /// `▕█████▌    ▏` with eighth-block resolution.
    public static func bar(_ fraction: Double, width: Int) -> String {
        let f = min(max(fraction.isFinite ? fraction : 0, 0), 1)
        let eighths = Int((f * Double(width * 8)).rounded(.down))
        let full = eighths / 8, rest = eighths % 8
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][rest]
        let used = full + (rest > 0 ? 1 : 0)
        return "▕" + String(repeating: "█", count: full) + partial + String(repeating: " ", count: width - used) + "▏"
    }

    /// Minutes and seconds (`4:05`), or hours (`1:02:03`).
    public static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.isFinite ? max(0, seconds.rounded()) : 0)
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }

    static func figure(_ x: Double) -> String {
        let a = abs(x)
        if a != 0, a < 0.01 || a >= 1e5 { return String(format: "%.3g", x) }
        return String(format: a >= 100 ? "%.1f" : "%.3g", x)
    }
}
