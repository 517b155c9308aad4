// Progress display: the rendered line, the redrawn terminal bar and the rate-limited plain lines.
import Notebook
import Script
import Testing

final class FakeClock {
    var now = 0.0
}

@Test func progressLineShowsBarCountsFiguresRateAndETA() {
    let line = ProgressLine.render(title: "dm", step: 1460, total: 2000, figures: [("loss", 2.41)], elapsed: 768, barWidth: 20)
    #expect(line == "dm ▕██████████████▌     ▏ 1460/2000  loss 2.41  1.9 it/s  ETA 4:44")
    #expect(ProgressLine.render(title: "eval", step: 3, total: 10, figures: [], elapsed: 30, barWidth: nil)
            == "eval 3/10  10.0 s/it  ETA 1:10")
}

@Test func barAndClockEdgeCases() {
    #expect(ProgressLine.bar(0, width: 4) == "▕    ▏")
    #expect(ProgressLine.bar(1, width: 4) == "▕████▏")
    #expect(ProgressLine.bar(2, width: 4) == "▕████▏")
    #expect(ProgressLine.bar(.nan, width: 4) == "▕    ▏")
    #expect(ProgressLine.bar(0.5 + 1.0 / 32, width: 4) == "▕██▏ ▏")
    #expect(ProgressLine.clock(3725) == "1:02:05")
    #expect(ProgressLine.clock(.infinity) == "0:00")
}

@Test func plainProgressPrintsAtMostEveryInterval() {
    let clock = FakeClock()
    let out = OutputBuffer()
    let sink = PlainProgress(output: out, interval: 10, now: { clock.now })
    sink.begin("train", total: 100)
    for step in 1...100 {
        clock.now += 0.5
        sink.update(step: step, figures: [("loss", 1.0 / Double(step))])
    }
    sink.end(interrupted: false)
    let lines = out.text.split(separator: "\n")
    #expect(lines.first == "train: 100 steps")
    #expect(lines.count == 1 + 5 + 1)  // 50 s of work: a line every 10 s, then the end line
    #expect(lines[1] == "train 20/100  loss 0.05  2.0 it/s  ETA 0:40")
    #expect(lines.last == "train 100/100  loss 0.01  2.0 it/s  done in 0:50")
}

@Test func terminalProgressRedrawsOneLineAndEndsIt() {
    let clock = FakeClock()
    let out = OutputBuffer()
    let sink = TerminalProgress(output: out, now: { clock.now })
    sink.begin("dm", total: 4)
    for step in 1...4 { clock.now += 1; sink.update(step: step, figures: []) }
    sink.end(interrupted: true)
    #expect(!out.text.dropLast().contains("\n"))
    #expect(out.text.hasSuffix("(interrupted: kept 4 of 4)\n"))
    #expect(out.text.components(separatedBy: "\r\u{1B}[2K").count == 1 + 1 + 4 + 1)
}
