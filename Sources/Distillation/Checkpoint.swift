// Checkpoints of long runs: where and how often a method saves its complete loop state, and
// the saving and loading, so a run resumed from the file ends bit-identical to one that was
// never stopped. The file format is Persistence's; what a method keeps is its own business.
import Foundation
import Persistence
import TensorCore

/// Where a run keeps its checkpoint and every how many steps it writes it.
///
///     let cp = try Checkpoint(path: "dm.ddcheckpoint", every: 50)
///     let syn = try DistributionMatching.run(data, config: c, checkpoint: cp)   // resumes if the file is there
public struct Checkpoint {
    public let path: String
    /// Steps between saves; the state is also saved on the last step and when interrupted.
    public let every: Int
    /// How the file is written (tests inject faults here).
    public var writer: AtomicWriter

    /// The last save that failed during a run, if the run went on (see `trySave`).
    public var failure: String? { log.failure }
    let log = SaveLog()

    /// Checks at once that the file can be written (its folder exists and takes a new file,
    /// and nothing but a regular file is there), so a bad path fails before the first step,
    /// not after hours.
    public init(path: String, every: Int, writer: AtomicWriter = AtomicWriter()) throws {
        guard !path.isEmpty else { throw TensorError("checkpoint: the path is empty") }
        guard every >= 1 else { throw TensorError("checkpoint: every must be at least 1, got \(every)") }
        try writer.checkWritable(path, what: "\(Checkpoint.kind) file")
        self.path = path
        self.every = every
        self.writer = writer
    }

    /// Failed saves of a run that went on: the run's result is worth more than its checkpoint.
    final class SaveLog: @unchecked Sendable {
        var failure: String?
    }

    /// The loop state of a run after `step` steps.
    public struct State {
        /// Steps done (iterations, epochs...).
        public var step: Int
        public var rng: SeededRNG
        /// Loss (or any per-step figure) of every step done.
        public var loss: [Float]
        /// Named tensors: images, learned rates, optimiser buffers... A missing optimiser
        /// buffer (nil before the first step) is an absent key.
        public var tensors: [String: [Tensor]]
        /// Named scalars a method keeps besides (an optimiser's step count...).
        public var numbers: [String: Double]

        public init(step: Int, rng: SeededRNG, loss: [Float], tensors: [String: [Tensor]], numbers: [String: Double] = [:]) {
            self.step = step
            self.rng = rng
            self.loss = loss
            self.tensors = tensors
            self.numbers = numbers
        }
    }

    /// Whether the state after `step` steps should be written: every `every` steps, on the
    /// last one, and when the run stops early.
    public func isDue(step: Int, of total: Int, stopping: Bool) -> Bool {
        stopping || step == total || step % every == 0
    }

    static let kind = "checkpoint"

    /// Writes a training or evaluation state (named tensors and numbers) atomically, with the
    /// method and the config it belongs to.
    public func save<Config: Encodable>(_ state: State, method: String, config: Config) throws {
        var blobs = BlobTable()
        var tensors: [String: [JSONValue]] = [:]
        for (name, list) in state.tensors.sorted(by: { $0.key < $1.key }) {
            tensors[name] = try list.enumerated().map { i, t in
                try RunStateCodec.encode(t, prefix: list.count == 1 ? name : "\(name)[\(i)]", into: &blobs)
            }
        }
        let stored = StoredRun(method: method, config: try JSONValue(encoding: config), step: state.step,
                               rng: Checkpoint.hexWords(state.rng), loss: blobs.add("loss", state.loss), state: nil,
                               tensors: tensors, numbers: state.numbers)
        try ArchiveFile.write(stored, kind: Checkpoint.kind, blobs: blobs, to: path, writer: writer)
    }

    /// Writes a distillation run's state (the method's typed state through the run-state codec).
    public func save(_ record: RunRecord) throws {
        var blobs = BlobTable()
        let stored = try record.stored(prefix: "", into: &blobs)
        try ArchiveFile.write(stored, kind: Checkpoint.kind, blobs: blobs, to: path, writer: writer)
    }

    /// Saves like `save`, but a failure (full disk, folder gone) does not end the run: it is
    /// kept in `failure` (cleared by a later save that succeeds) for the caller to report, and
    /// false is returned. Long runs save through this, so hours of work are never thrown away
    /// because the checkpoint could not be written.
    @discardableResult
    public func trySave<Config: Encodable>(_ state: State, method: String, config: Config) -> Bool {
        attempt(step: state.step) { try save(state, method: method, config: config) }
    }

    /// `save(record)` that keeps a failure in `failure` instead of throwing.
    @discardableResult
    public func trySave(_ record: RunRecord) -> Bool {
        attempt(step: record.step) { try save(record) }
    }

    private func attempt(step: Int, _ body: () throws -> Void) -> Bool {
        do {
            try body()
            log.failure = nil
            return true
        } catch {
            log.failure = "checkpoint not saved at step \(step): \((error as? PersistenceError)?.message ?? "\(error)")"
            return false
        }
    }

    /// The file's content when it exists and belongs to `method` with these settings (apart
    /// from `free` fields, which do not change the steps already done); nil when there is no
    /// file yet. Another method, or other settings, is an error naming the fields.
    func read<Config: Encodable>(method: String, config: Config, free: Set<String>) throws -> (StoredRun, BlobStore)? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let (stored, blobs) = try ArchiveFile.read(StoredRun.self, kind: Checkpoint.kind, from: path)
        guard stored.method == method else {
            throw PersistenceError(.mismatch, "checkpoint '\(path)' belongs to a \(stored.method) run, not \(method) (HINT: give another checkpoint path)")
        }
        let differences = try JSONValue(encoding: config).differences(from: stored.config, ignoring: free)
        guard differences.isEmpty else {
            throw PersistenceError(.mismatch, "checkpoint '\(path)' was made with other settings: \(differences.joined(separator: "; ")) (HINT: use the same settings to resume, or another checkpoint path to start afresh)")
        }
        return (stored, blobs)
    }

    /// How a checkpoint file names a problem with its run state.
    func damaged(_ problem: RunRecord.Problem) -> PersistenceError {
        switch problem {
        case .badGenerator: return PersistenceError(.damaged, "checkpoint file '\(path)': the generator state is not four 64-bit words")
        case .zeroGenerator: return PersistenceError(.damaged, "checkpoint file '\(path)': it holds \(Checkpoint.degenerateGenerator) (HINT: delete the checkpoint to start afresh)")
        case .lossCount(let n, let steps): return PersistenceError(.damaged, "checkpoint file '\(path)': \(n) loss values for \(steps) steps")
        case .other(let text): return PersistenceError(.damaged, "checkpoint file '\(path)': \(text)")
        }
    }

    /// The training or evaluation state saved at `path` (see `read` for the checks).
    public func load<Config: Encodable>(method: String, config: Config, free: Set<String> = ["iterations"]) throws -> State? {
        guard let (stored, blobs) = try read(method: method, config: config, free: free) else { return nil }
        return try RunRecord.namedState(stored, blobs: blobs, label: "checkpoint file '\(path)'", problem: damaged)
    }

    /// The distillation run saved at `path`, format 1 files migrated (see `read` for the checks).
    public func loadRun<Config: Encodable>(method: String, config: Config) throws -> RunRecord? {
        guard let (stored, blobs) = try read(method: method, config: config, free: ["iterations"]) else { return nil }
        return try RunRecord(stored, blobs: blobs, label: "checkpoint file '\(path)'", problem: damaged)
    }
}

extension Checkpoint {
    /// A generator's four xoshiro words in hexadecimal, exact in any JSON reader (checkpoint
    /// files and the run state sessions keep).
    public static func hexWords(_ rng: SeededRNG) -> [String] {
        let (a, b, c, d) = rng.state
        return [a, b, c, d].map { String($0, radix: 16) }
    }

    /// Whether `rng` is the one state xoshiro256** never leaves and never reaches: all four words
    /// zero. Such a generator gives only zeros, and rejection sampling on it never ends, so a
    /// loaded state like this is damage, refused before any run uses it.
    public static func isDegenerate(_ rng: SeededRNG) -> Bool {
        let (a, b, c, d) = rng.state
        return a | b | c | d == 0
    }

    /// How loaders describe a degenerate generator state.
    public static let degenerateGenerator = "a generator state of all zeros, which xoshiro256** never produces (the file was altered or damaged)"

    /// The generator `hexWords` wrote, or nil when the text is not four 64-bit words.
    public static func generator(hexWords: [String]) -> SeededRNG? {
        let words = hexWords.compactMap { UInt64($0, radix: 16) }
        guard words.count == 4, hexWords.count == 4 else { return nil }
        var rng = SeededRNG(seed: 0)
        rng.state = (words[0], words[1], words[2], words[3])
        return rng
    }
}
