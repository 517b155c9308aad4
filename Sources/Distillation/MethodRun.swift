// The one loop every distillation method runs in: iterations with progress, cancellation
// (Ctrl-C through the run control), a wall-clock budget, checkpoints every N iterations, and
// resuming from a checkpoint file or from a set an earlier run returned. The method only
// supplies its state and one iteration (DistillationMethod.swift).
import Datasets
import Foundation
import Persistence
import TensorCore

/// A run of method `M` with its settings, checkpoint and controls.
///
///     let method = try DMMethod(data: data, config: c, inputs: MethodInputs())
///     let set = try MethodRun(method: method, data: data, config: c, checkpoint: cp).run()
public struct MethodRun<M: DistillationMethod> {
    public let method: M
    public let data: Dataset
    public let config: M.Config
    public var checkpoint: Checkpoint?
    public var control: RunControl
    public var progress: ProgressSink

    public init(method: M, data: Dataset, config: M.Config, checkpoint: Checkpoint? = nil,
                control: RunControl = RunControl(), progress: ProgressSink = SilentProgress()) {
        self.method = method
        self.data = data
        self.config = config
        self.checkpoint = checkpoint
        self.control = control
        self.progress = progress
    }

    /// The state between iterations.
    struct Position {
        var step: Int
        var rng: SeededRNG
        var loss: [Float]
        var state: M.State
    }

    /// How the loop ended.
    enum Ending {
        case finished, interrupted, budgetSpent
        case diverged(String)
    }

    /// Runs the iterations not done yet, up to `config.iterations`, and returns the set. The
    /// set carries the state of its last complete iteration, so it can be resumed.
    public func run() throws -> SyntheticSet {
        let configJSON = try JSONValue(encoding: config)
        var now = try startingPosition(configJSON)
        var last = now
        let ending = try iterate(&now, &last, configJSON)
        var set = SyntheticSet(images: try method.images(of: now.state),
                               labels: SyntheticSet.classMajorLabels(classes: data.classCount, ipc: config.ipc), ipc: config.ipc,
                               classNames: data.classNames, normalization: data.normalization, method: M.name,
                               settings: method.settings(of: last.state))
        set.iterations = last.step
        set.loss = last.loss
        set.artifacts = method.artifacts(of: last.state)
        set.artifacts.evaluationProtocol = M.evaluationProtocol
        set.run = record(last, configJSON)
        set.checkpointFailure = checkpoint?.failure
        switch ending {
        case .finished: break
        case .interrupted: set.interrupted = true
        case .budgetSpent: set.budgetSpent = true
        case .diverged(let why): set.diverged = why
        }
        return set
    }

    /// A fresh start, or the state of the set to resume, or of the checkpoint file.
    func startingPosition(_ configJSON: JSONValue) throws -> Position {
        var saved: RunRecord?
        if let earlier = control.resume {
            saved = try resumable(earlier, configJSON)
        } else {
            saved = try checkpoint?.loadRun(method: M.name, config: config)
        }
        guard let saved else {
            var rng = SeededRNG(seed: config.seed)
            let state = try method.start(rng: &rng)
            return Position(step: 0, rng: rng, loss: [], state: state)
        }
        guard saved.step <= config.iterations else {
            throw DistillError(.run, "\(M.name): the checkpoint has \(saved.step) iterations done, more than the \(config.iterations) asked for",
                               argument: "iterations", hint: "ask for \(saved.step) or more, or give another checkpoint path")
        }
        guard let state = saved.state as? M.State else {
            throw DistillError(.run, "\(M.name): the saved state is not a \(M.name) state")
        }
        let shape = [data.classCount * config.ipc] + data.imageShape
        guard state.optimised.shape == shape else {
            throw DistillError(.run, "\(M.name): the checkpoint's images do not have shape \(shape.shapeText)")
        }
        return Position(step: saved.step, rng: saved.rng, loss: saved.loss, state: state)
    }

    /// The run state an earlier set carries, checked to belong to this method and settings.
    func resumable(_ earlier: SyntheticSet, _ configJSON: JSONValue) throws -> RunRecord {
        guard let r = earlier.run else {
            throw DistillError(.run, "\(M.name): the set to resume holds no run state (only sets returned by distill can be resumed; use checkpoint= to resume across sessions)",
                               argument: "resume")
        }
        guard r.method == M.name else {
            throw DistillError(.run, "\(M.name): the set to resume was made by \(r.method), not \(M.name)", argument: "resume")
        }
        let differences = configJSON.differences(from: r.config, ignoring: ["iterations"])
        guard differences.isEmpty else {
            throw DistillError(.run, "\(M.name): the set to resume was made with other settings: \(differences.joined(separator: "; "))",
                               argument: "resume", hint: "resume with the same settings; only iterations may change")
        }
        return r
    }

    func record(_ p: Position, _ configJSON: JSONValue) -> RunRecord {
        RunRecord(method: M.name, config: configJSON, step: p.step, rng: p.rng, loss: p.loss, state: p.state)
    }

    /// The iterations from `now.step` on; `last` follows the last complete one.
    func iterate(_ now: inout Position, _ last: inout Position, _ configJSON: JSONValue) throws -> Ending {
        let total = config.iterations, start = now.step
        let steps = Swift.max(1, method.stepsPerIteration)
        progress.begin(start > 0 ? "\(M.name) (resumed from iteration \(start))" : M.name, total: total * steps)
        var ending = Ending.finished
        defer { progress.end(interrupted: { if case .interrupted = ending { return true }; return false }()) }
        var clock = Budget(seconds: control.budget)
        for it in start..<total {
            if clock.wouldOverrun() {
                checkpoint?.trySave(record(last, configJSON))
                ending = .budgetSpent
                return ending
            }
            clock.begin()
            let context = IterationContext(report: { step, loss in
                if steps > 1 { progress.update(step: it * steps + step, figures: [("loss", Double(loss)), ("iteration", Double(it + 1))]) }
            }, isCancelled: control.isCancelled)
            let outcome = try method.iterate(&now.state, rng: &now.rng, context: context)
            guard outcome.complete else {
                checkpoint?.trySave(record(last, configJSON))
                ending = .interrupted
                return ending
            }
            // Diverged (a non-finite loss or step turned pixels into nan or inf): hand back the
            // last complete iteration's images and state, marked, instead of a set of nans.
            if let bad = nonFinite(now.state.optimised) {
                let count = now.state.optimised.count
                now = last
                ending = .diverged("iteration \(it + 1) made \(bad) of \(count) image values non-finite (loss \(outcome.loss)); the set holds the images of iteration \(it)")
                return ending
            }
            clock.end()
            now.step = it + 1
            now.loss.append(outcome.loss)
            last = now
            if steps == 1 { progress.update(step: it + 1, figures: [("loss", Double(outcome.loss))]) }
            let stopping = control.isCancelled() && it + 1 < total
            if let checkpoint, checkpoint.isDue(step: it + 1, of: total, stopping: stopping) {
                checkpoint.trySave(record(last, configJSON))
            }
            if stopping {
                ending = .interrupted
                return ending
            }
        }
        return ending
    }

    /// How many values of `t` are nan or infinite; nil when all are finite.
    func nonFinite(_ t: Tensor) -> Int? {
        let n = t.data.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
        return n == 0 ? nil : n
    }
}

/// The wall-clock budget of a run: the loop does not start an iteration that would, judged by
/// the median iteration so far, end past it. The first iteration (which carries one-off work
/// such as DREAM's first clustering) is left out of the median once there are others, and the
/// first two iterations always run.
struct Budget {
    let seconds: Double?
    let clock = ContinuousClock()
    let began: ContinuousClock.Instant
    var iterationBegan: ContinuousClock.Instant
    var durations: [Duration] = []

    init(seconds: Double?) {
        self.seconds = seconds
        began = clock.now
        iterationBegan = began
    }

    func wouldOverrun() -> Bool {
        guard let seconds, durations.count >= 2 else { return false }
        let typical = median(Array(durations.dropFirst()))
        return (clock.now - began + typical).seconds > seconds
    }

    mutating func begin() { iterationBegan = clock.now }
    mutating func end() { durations.append(clock.now - iterationBegan) }
}

/// The middle value (the upper of the two middle ones for an even count).
func median(_ values: [Duration]) -> Duration {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}
