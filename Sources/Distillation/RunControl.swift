// What a caller may ask of any image-optimising run besides its method's settings: a
// wall-clock budget, and continuing from the set an earlier, stopped run returned. The loop
// that honours both is ImageLoop.swift; the method settings stay in each method's Config.
import Foundation
import Persistence
import TensorCore

/// Run-level requests shared by every method.
///
///     let syn = try DistributionMatching.run(data, config: c, control: RunControl(budget: 600))  // 10 minutes
///     let more = try DistributionMatching.run(data, config: c2, control: RunControl(resume: syn))
public struct RunControl {
    /// Wall-clock seconds the run may take. The loop does not start an iteration that would,
    /// judged by the median iteration so far, end past the budget; the first iteration (which
    /// carries one-off work such as DREAM's first clustering) is left out of the median, and
    /// the first two iterations always run.
    public var budget: Double?
    /// A set returned by an earlier run of the same method and settings (the iteration count
    /// may grow): the run continues from its state, bit-identical to an unbroken run.
    public var resume: SyntheticSet?
    /// Asked between iterations (and between steps of long ones): true stops the run, which
    /// returns what it made so far, marked interrupted. The language passes Ctrl-C here.
    public var isCancelled: () -> Bool

    public init(budget: Double? = nil, resume: SyntheticSet? = nil, isCancelled: @escaping () -> Bool = { Interrupt.isRequested }) {
        self.budget = budget
        self.resume = resume
        self.isCancelled = isCancelled
    }

    /// Seconds from text such as "90", "90s", "10m", "1.5h".
    public static func seconds(_ text: String) throws -> Double {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("h", 3600), ("m", 60), ("s", 1)]
        var number = t
        var scale = 1.0
        if let (suffix, s) = units.first(where: { t.hasSuffix($0.0) }) {
            number = String(t.dropLast(suffix.count))
            scale = s
        }
        guard let v = Double(number), v.isFinite, v > 0 else {
            throw TensorError("budget must be a positive duration such as \"90s\", \"10m\" or \"2h\", got \"\(text)\"")
        }
        return v * scale
    }
}
