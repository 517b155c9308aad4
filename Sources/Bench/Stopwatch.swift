// Timing for the benchmarks: a warm-up run, then repeats until a time budget is spent, reporting
// the fastest run (the machine may be shared, and other work only ever slows a run down).
import Foundation
import Kernels

enum Stopwatch {
    /// When set, runs are timed in CPU seconds of the whole process divided by the pool width,
    /// which other processes on a shared machine disturb much less than wall time (for tuning).
    nonisolated(unsafe) static var cpuClock = false

    /// Wall-clock or CPU seconds, as `cpuClock` says.
    static func now() -> Double {
        if !cpuClock { return Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return (user + system) / Double(ThreadPool.width)
    }

    /// Seconds per call of `body`: one warm-up, then at least `minRuns` timed runs and at least
    /// `budget` seconds in total; the fastest run.
    static func best(budget: Double = 1.5, minRuns: Int = 3, _ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        var spent = 0.0
        while times.count < minRuns || spent < budget {
            let start = now()
            body()
            let t = now() - start
            times.append(t)
            spent += t
            if times.count >= 50 { break }
        }
        return times.min() ?? 0
    }
}
