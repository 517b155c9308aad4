// Timing for the benchmarks: a warm-up run, then repeats until a time budget is spent, reporting
// the median. No statistics beyond that; the bench compares rates, not distributions.
import Foundation

enum Stopwatch {
    /// Seconds per call of `body`: one warm-up, then at least `minRuns` timed runs and at least
    /// `budget` seconds in total; the median run.
    static func median(budget: Double = 1.5, minRuns: Int = 3, _ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        var spent = 0.0
        while times.count < minRuns || spent < budget {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            let t = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            times.append(t)
            spent += t
            if times.count >= 50 { break }
        }
        times.sort()
        return times[times.count / 2]
    }
}
