// The state of a distillation run between two iterations, as checkpoints and sessions keep it:
// the method and its settings, steps done, the generator, the loss of every step and the
// method's own typed state. Stored through Persistence's run-state codec (`StoredRun`); files
// of format 1 (named tensors and numbers) are migrated by the method that wrote them.
import Persistence
import TensorCore

/// A run's state after `step` iterations, for resuming it.
public struct RunRecord: @unchecked Sendable {
    public var method: String
    /// The settings of the run, as JSON (compared field by field on resume).
    public var config: JSONValue
    public var step: Int
    public var rng: SeededRNG
    /// The loss of every iteration done.
    public var loss: [Float]
    /// The method's state (its `State` type).
    public var state: any MethodState

    public init(method: String, config: JSONValue, step: Int, rng: SeededRNG, loss: [Float], state: any MethodState) {
        self.method = method
        self.config = config
        self.step = step
        self.rng = rng
        self.loss = loss
        self.state = state
    }

    /// What can be wrong with a stored run's common part; each file kind words it its own way.
    public enum Problem: Equatable {
        case badGenerator, zeroGenerator
        case lossCount(Int, steps: Int)
        case other(String)
    }

    /// The stored form, its tensors and loss added to `blobs` under `prefix`.
    public func stored(prefix: String, into blobs: inout BlobTable) throws -> StoredRun {
        let join = prefix.isEmpty ? "" : prefix + "."
        let json = try RunStateCodec.encode(state, prefix: join + "state", into: &blobs)
        return StoredRun(method: method, config: config, step: step, rng: Checkpoint.hexWords(rng),
                         loss: blobs.add(join + "loss", loss), state: json)
    }

    /// The run a file stored, its state decoded by the method named in it (format 1 migrated).
    public init(_ stored: StoredRun, blobs: BlobStore, label: String, problem: (Problem) -> PersistenceError) throws {
        let named = try RunRecord.namedState(stored, blobs: blobs, label: label, problem: problem)
        guard let method = MethodRegistry.method(named: stored.method) else {
            throw problem(.other("it holds a run of method '\(stored.method)', which this build does not know (known: \(MethodRegistry.names.joined(separator: ", ")))"))
        }
        let state: any MethodState
        if let json = stored.state {
            state = try method.decodeState(json, blobs: blobs, label: label)
        } else {
            do {
                state = try method.migrateState(named)
            } catch let e as DistillError {
                throw problem(.other("its format 1 run state cannot be converted: \(e.message) (HINT: delete it to start afresh)"))
            }
        }
        self.init(method: stored.method, config: stored.config, step: named.step, rng: named.rng, loss: named.loss, state: state)
    }

    /// The common part of a stored run checked, with format 1's named tensors and numbers.
    static func namedState(_ stored: StoredRun, blobs: BlobStore, label: String,
                           problem: (Problem) -> PersistenceError) throws -> Checkpoint.State {
        guard let rng = Checkpoint.generator(hexWords: stored.rng) else { throw problem(.badGenerator) }
        guard !Checkpoint.isDegenerate(rng) else { throw problem(.zeroGenerator) }
        let loss = try blobs.values(stored.loss)
        guard stored.step >= 0, loss.count == stored.step else { throw problem(.lossCount(loss.count, steps: stored.step)) }
        var tensors: [String: [Tensor]] = [:]
        for (name, refs) in stored.tensors ?? [:] {
            tensors[name] = try refs.map { try RunStateCodec.decode(Tensor.self, from: $0, blobs: blobs, label: label) }
        }
        return Checkpoint.State(step: stored.step, rng: rng, loss: loss, tensors: tensors, numbers: stored.numbers ?? [:])
    }
}

extension DistillationMethod {
    /// This method's state from its JSON form.
    static func decodeState(_ json: JSONValue, blobs: BlobStore, label: String) throws -> any MethodState {
        try RunStateCodec.decode(State.self, from: json, blobs: blobs, label: label)
    }

    /// This method's state from a format 1 file.
    static func migrateState(_ legacy: LegacyRunState) throws -> any MethodState {
        try migrate(legacy)
    }
}

/// A run state as format 1 files kept it: named tensors and numbers beside the common part.
public typealias LegacyRunState = Checkpoint.State

extension Checkpoint.State {
    /// The tensor list `name`, or a configuration error naming it.
    public func tensors(_ name: String) throws -> [Tensor] {
        guard let t = tensors[name] else { throw DistillError(.run, "the saved state has no '\(name)'") }
        return t
    }

    /// The single tensor `name` of the given shape, or an error naming it.
    public func tensor(_ name: String) throws -> Tensor {
        let list = try tensors(name)
        guard list.count == 1 else { throw DistillError(.run, "the saved '\(name)' holds \(list.count) tensors, not 1") }
        return list[0]
    }

    /// The optional tensor list `name` (absent or empty: nil).
    public func optionalTensors(_ name: String) -> [Tensor]? {
        guard let t = tensors[name], !t.isEmpty else { return nil }
        return t
    }
}
