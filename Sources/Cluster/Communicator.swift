// The processes of one SPMD job (docs/scale-out.md): every rank runs the same script, the heavy
// builtins split their work by an index (run, class, expert) and exchange the results, so every
// rank holds the same values afterwards. Floating-point results are never combined by MPI's
// reductions, whose summation order depends on the rank count: pieces are gathered in index
// order and combined the same way on every rank, so a result does not depend on how many ranks
// made it.

/// A group of ranks that exchange bytes. Every rank must make the same calls in the same order
/// (collectives); a call that only some ranks make blocks the others.
public protocol Communicator: AnyObject {
    /// This process's index, 0 ..< size.
    var rank: Int { get }
    /// How many ranks the job has (1 without MPI).
    var size: Int { get }
    /// Every rank's bytes, in rank order; each rank may send a different count.
    func allgather(_ bytes: [UInt8]) throws -> [[UInt8]]
    /// `root`'s bytes, on every rank (the others' `bytes` are ignored).
    func broadcast(_ bytes: [UInt8], root: Int) throws -> [UInt8]
    /// Ends every rank of the job at once with `code` (MPI_Abort); returns only in a group
    /// without processes to end (a world of one exits).
    func abort(code: Int32) -> Never
}

/// A failure of the exchange itself, or a failure of a rank-0-only step reported to the others.
public struct ClusterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The world of one process: a plain `distill`, with no MPI involved.
public final class Solo: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allgather(_ bytes: [UInt8]) throws -> [[UInt8]] { [bytes] }
    public func broadcast(_ bytes: [UInt8], root: Int) throws -> [UInt8] { bytes }
    public func abort(code: Int32) -> Never { exit(code) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

extension Communicator {
    public var isRoot: Bool { rank == 0 }

    /// Waits until every rank has arrived.
    public func barrier() throws { _ = try allgather([]) }

    /// The indices in 0 ..< count this rank works on: every size-th, starting at its rank.
    public func share(of count: Int) -> StrideTo<Int> { stride(from: rank, to: count, by: size) }

    /// The rank that works on index `i` (round robin, as `share`).
    public func owner(of i: Int) -> Int { i % size }

    /// Every rank's floats, in rank order, bit for bit.
    public func allgather(floats: [Float]) throws -> [[Float]] {
        let bytes = floats.withUnsafeBytes { Array($0) }
        return try allgather(bytes).map { piece in
            guard piece.count % 4 == 0 else { throw ClusterError("a rank sent \(piece.count) bytes, not whole floats") }
            return piece.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
    }

    /// Every rank's 64-bit integers, in rank order.
    public func allgather(integers: [UInt64]) throws -> [[UInt64]] {
        let bytes = integers.withUnsafeBytes { Array($0) }
        return try allgather(bytes).map { piece in
            guard piece.count % 8 == 0 else { throw ClusterError("a rank sent \(piece.count) bytes, not whole integers") }
            return piece.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) }
        }
    }

    /// Runs `body` on rank 0 only (a file write, a print) and tells every rank how it went: the
    /// others return when it has finished and throw rank 0's error if it failed, so a script
    /// that reads back what it wrote finds the file, and all ranks take the same path after a
    /// failure. Nested calls (a folder of files written by one export) run directly.
    public func onRoot(_ body: () throws -> Void) throws {
        if size == 1 || RootSection.depth > 0 {
            if isRoot { try body() }
            return
        }
        var failure: Error?
        if isRoot {
            RootSection.depth += 1
            defer { RootSection.depth -= 1 }
            do { try body() } catch { failure = error }
        }
        let outcome = try broadcast(failure.map { Array("\($0)".utf8) } ?? [], root: 0)
        if let failure { throw failure }
        if !outcome.isEmpty { throw ClusterError(String(decoding: outcome, as: UTF8.self)) }
    }
}

/// How deep this thread is inside `onRoot` bodies (per thread: a local group's ranks are
/// threads of one process).
enum RootSection {
    static var depth: Int {
        get { Thread.current.threadDictionary["distill.onRoot.depth"] as? Int ?? 0 }
        set { Thread.current.threadDictionary["distill.onRoot.depth"] = newValue }
    }
}
