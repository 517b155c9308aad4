// The one interface long numeric work (distillation, training, evaluation) reports progress
// through, and the interrupt flag it polls at step boundaries. Drawing is the front ends' job.
import Foundation

/// Receives progress from a long operation. Front ends draw a bar or print plain lines.
public protocol ProgressSink: AnyObject {
    /// Called when an operation starts; `total` is the number of steps.
    func begin(_ title: String, total: Int)
    /// Called after each step with named figures (e.g. `["loss": 2.41]`).
    func update(step: Int, figures: [(String, Double)])
    /// Called once when the operation ends, finished or stopped.
    func end(interrupted: Bool)
}

/// A sink that ignores everything (tests, nested operations).
public final class SilentProgress: ProgressSink {
    public init() {}
    public func begin(_ title: String, total: Int) {}
    public func update(step: Int, figures: [(String, Double)]) {}
    public func end(interrupted: Bool) {}
}

/// The process-wide "please stop" flag set by Ctrl-C (SIGINT) and read at step boundaries.
/// Long operations check `Interrupt.isRequested` between steps, stop cleanly and return what
/// they have, marked as interrupted; the front end clears the flag before the next command.
public enum Interrupt {
    private static let flag = InterruptFlag()
    public static var isRequested: Bool { flag.get() }
    public static func request() { flag.set(true) }
    public static func clear() { flag.set(false) }
}

final class InterruptFlag: @unchecked Sendable {
    private var value = false
    private let lock = NSLock()
    func get() -> Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: Bool) { lock.lock(); value = v; lock.unlock() }
}
