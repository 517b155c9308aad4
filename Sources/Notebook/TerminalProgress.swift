// The progress bar on a terminal: one line redrawn in place (at most ten times a second),
// finished with a newline. Written to standard error so printed output stays clean.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Script
import TensorCore

/// Draws a single redrawn progress line.
public final class TerminalProgress: ProgressSink {
    let output: OutputWriter
    let now: () -> Double
    var title = "", total = 0, step = 0, figures: [(String, Double)] = []
    var started = 0.0, lastDraw = -1.0

    public init(output: OutputWriter = StandardError(), now: @escaping () -> Double = TerminalProgress.monotonicSeconds) {
        self.output = output
        self.now = now
    }

    public func begin(_ title: String, total: Int) {
        self.title = title; self.total = total; step = 0; figures = []
        started = now(); lastDraw = -1
        draw()
    }

    public func update(step: Int, figures: [(String, Double)]) {
        self.step = step; self.figures = figures
        if now() - lastDraw >= 0.1 || step == total { draw() }
    }

    public func end(interrupted: Bool) {
        draw()
        output.write(interrupted ? "  (interrupted: kept \(step) of \(total))\n" : "\n")
    }

    func draw() {
        lastDraw = now()
        var line = ProgressLine.render(title: title, step: step, total: total, figures: figures,
                                       elapsed: lastDraw - started, barWidth: 20)
        if step < total { line += "  (Ctrl-C stops, keeps progress)" }
        // A line longer than the terminal would wrap and break the in-place redraw.
        if let columns = columns(), line.count >= columns { line = String(line.prefix(columns - 1)) }
        output.write("\r\u{1B}[2K" + line)
    }

    /// The terminal's width, when standard error is a terminal.
    func columns() -> Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 10 else { return nil }
        return Int(size.ws_col)
    }

    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
}

/// Progress as plain lines for logs and pipes: a line at the start, at most one every
/// `interval` seconds (10 by default), and one at the end.
public final class PlainProgress: ProgressSink {
    let output: OutputWriter
    let interval: Double
    let now: () -> Double
    var title = "", total = 0, step = 0, figures: [(String, Double)] = []
    var started = 0.0, lastLine = 0.0

    public init(output: OutputWriter = StandardError(), interval: Double = 10,
                now: @escaping () -> Double = TerminalProgress.monotonicSeconds) {
        self.output = output
        self.interval = interval
        self.now = now
    }

    public func begin(_ title: String, total: Int) {
        self.title = title; self.total = total; step = 0; figures = []
        started = now(); lastLine = started
        output.write("\(title): \(total) steps\n")
    }

    public func update(step: Int, figures: [(String, Double)]) {
        self.step = step; self.figures = figures
        let t = now()
        guard t - lastLine >= interval else { return }
        lastLine = t
        output.write(line(at: t) + "\n")
    }

    public func end(interrupted: Bool) {
        let t = now()
        output.write(line(at: t) + (interrupted ? "  (interrupted)" : "  done in \(ProgressLine.clock(t - started))") + "\n")
    }

    func line(at t: Double) -> String {
        ProgressLine.render(title: title, step: step, total: total, figures: figures, elapsed: t - started, barWidth: nil)
    }
}
