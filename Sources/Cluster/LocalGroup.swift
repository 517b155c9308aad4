// Ranks as threads of one process, for tests: the splitting logic of every builtin can be run
// with 1, 2 or 3 ranks and compared bit for bit without `mpirun`. Each rank gets its own
// thread (never a pool's, which could hold fewer threads than ranks and leave a collective
// waiting for a rank that never starts).
import Foundation

public final class LocalGroup {
    public let size: Int
    private let condition = NSCondition()
    private var slots: [[UInt8]?]
    private var arrived = 0
    private var generation = 0
    private var results: [[UInt8]] = []

    public init(size: Int) {
        precondition(size >= 1, "a group needs at least one rank")
        self.size = size
        slots = Array(repeating: nil, count: size)
    }

    /// Runs `body` once per rank, each on its own thread, and returns what each returned, in
    /// rank order; the first error thrown (by rank order) is rethrown.
    public static func run<T>(size: Int, _ body: @escaping (Communicator) throws -> T) throws -> [T] {
        let group = LocalGroup(size: size)
        let done = DispatchGroup()
        let outcomes = Outcomes<T>(size)
        for rank in 0..<size {
            done.enter()
            let thread = Thread {
                outcomes.set(rank, Result { try body(Member(group: group, rank: rank)) })
                done.leave()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        done.wait()
        return try outcomes.values.map { try $0!.get() }
    }

    /// What each rank's thread returned, filled in under a lock.
    private final class Outcomes<T>: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [Result<T, Error>?]
        init(_ size: Int) { values = Array(repeating: nil, count: size) }
        func set(_ rank: Int, _ value: Result<T, Error>) {
            lock.lock(); values[rank] = value; lock.unlock()
        }
    }

    fileprivate func exchange(_ rank: Int, _ bytes: [UInt8]) -> [[UInt8]] {
        condition.lock()
        defer { condition.unlock() }
        let mine = generation
        slots[rank] = bytes
        arrived += 1
        if arrived == size {
            results = slots.map { $0! }
            slots = Array(repeating: nil, count: size)
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == mine { condition.wait() }
        }
        // `results` is replaced only when every rank, this one included, has arrived again.
        return results
    }

    final class Member: Communicator {
        let group: LocalGroup
        let rank: Int
        init(group: LocalGroup, rank: Int) {
            self.group = group
            self.rank = rank
        }
        var size: Int { group.size }
        func allgather(_ bytes: [UInt8]) throws -> [[UInt8]] { group.exchange(rank, bytes) }
        func broadcast(_ bytes: [UInt8], root: Int) throws -> [UInt8] { group.exchange(rank, bytes)[root] }
        func abort(code: Int32) -> Never { fatalError("rank \(rank) of a local group aborted with code \(code)") }
    }
}
