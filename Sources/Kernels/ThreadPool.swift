// The process-wide worker pool every parallel kernel uses, and the helpers that split work
// into row ranges. It does not decide chunk sizes for reductions (see Reduction.swift).
import Dispatch
import Foundation

/// Runs work items on the machine's cores.
///
/// The width is the number of cores, or `DISTILL_THREADS` when set. Work is split so that each
/// item's result depends only on its range, never on which thread ran it, so every kernel gives
/// the same bits for any width.
public enum ThreadPool {
    /// Number of worker threads used by parallel kernels (at least 1).
    public static var width: Int {
        get { _width.load() }
        set { _width.store(max(1, newValue)) }
    }

    private static let _width = AtomicInt(initialWidth())

    private static func initialWidth() -> Int {
        if let text = ProcessInfo.processInfo.environment["DISTILL_THREADS"], let n = Int(text), n > 0 {
            return n
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Calls `body(i)` for every `i` in `0..<count`, spread over the pool.
    /// Runs inline when `count` is 1 or the pool has one thread.
    public static func run(_ count: Int, _ body: (Int) -> Void) {
        if count <= 0 { return }
        if count == 1 || width == 1 {
            for i in 0..<count { body(i) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }

    /// Splits `0..<total` into at most `width` contiguous ranges of at least `minChunk` items and
    /// calls `body` on each in parallel (ggml's `dr = (nr + nth - 1) / nth` split).
    public static func forRanges(_ total: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        if total <= 0 { return }
        let parts = max(1, min(width, total / max(1, minChunk)))
        if parts == 1 {
            body(0..<total)
            return
        }
        let step = (total + parts - 1) / parts
        run(parts) { p in
            let lo = p * step
            let hi = min(total, lo + step)
            if lo < hi { body(lo..<hi) }
        }
    }
}

/// A tiny lock-protected integer; enough for settings read once per kernel call.
final class AtomicInt: @unchecked Sendable {
    private var value: Int
    private let lock = NSLock()
    init(_ value: Int) { self.value = value }
    func load() -> Int { lock.lock(); defer { lock.unlock() }; return value }
    func store(_ v: Int) { lock.lock(); value = v; lock.unlock() }
}
