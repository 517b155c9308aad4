// The world of an `mpirun` (or `srun`) job, over Open MPI's C interface. Only the thread that
// runs the script calls MPI (MPI_THREAD_SERIALIZED); the compute threads of a rank never do.
import CMPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class MPIWorld: Communicator {
    public let rank: Int
    public let size: Int
    private let comm = cmpi_comm_world()
    /// A private copy of the world for the exit agreement, so it never meets a collective of
    /// the script that a rank may still be inside.
    private var exitComm: MPI_Comm? = nil

    /// Initialises MPI (once per process). Errors come back as codes, turned into thrown
    /// messages; a rank that dies is noticed by `mpirun`, which ends the others.
    public init() throws {
        var provided: Int32 = 0
        let rc = MPI_Init_thread(nil, nil, cmpi_thread_serialized(), &provided)
        guard rc == cmpi_success() else { throw ClusterError("MPI_Init_thread failed: \(MPIWorld.message(rc))") }
        MPI_Comm_set_errhandler(comm, cmpi_errors_return())
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(comm, &r)
        MPI_Comm_size(comm, &s)
        rank = Int(r)
        size = Int(s)
        MPI_Comm_dup(comm, &exitComm)
    }

    /// At the end of the program: every rank's exit status, in rank order, once all ranks have
    /// arrived. A rank that failed (`status` != 0) waits at most `patience` seconds, then
    /// returns nil: the others are stuck in a collective it will never join, and the caller
    /// ends the job. A rank that succeeded waits as long as it takes.
    public func agreeOnExit(status: Int32, patience: Double) -> [Int32]? {
        var request: MPI_Request? = nil
        guard MPI_Ibarrier(exitComm, &request) == cmpi_success() else { return nil }
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        while true {
            var flag: Int32 = 0
            guard MPI_Test(&request, &flag, nil) == cmpi_success() else { return nil }
            if flag != 0 { break }
            if status != 0 {
                var now = timespec()
                clock_gettime(CLOCK_MONOTONIC, &now)
                if Double(now.tv_sec - start.tv_sec) + Double(now.tv_nsec - start.tv_nsec) / 1e9 > patience { return nil }
            }
            usleep(2_000)
        }
        var mine = Int64(status)
        var all = [Int64](repeating: 0, count: size)
        guard MPI_Allgather(&mine, 1, cmpi_int64(), &all, 1, cmpi_int64(), exitComm) == cmpi_success() else { return nil }
        return all.map { Int32(truncatingIfNeeded: $0) }
    }

    /// Ends MPI cleanly on a normal exit (every rank must call it).
    public func finalize() {
        var done: Int32 = 0
        MPI_Finalized(&done)
        if done == 0 { MPI_Finalize() }
    }

    public func allgather(_ bytes: [UInt8]) throws -> [[UInt8]] {
        var mine = Int64(bytes.count)
        var counts = [Int64](repeating: 0, count: size)
        try check(MPI_Allgather(&mine, 1, cmpi_int64(), &counts, 1, cmpi_int64(), comm), "MPI_Allgather")
        let total = counts.reduce(0, +)
        // MPI counts and displacements are 32-bit; larger exchanges go in pieces.
        guard total <= Int64(Int32.max) else {
            return try allgatherInPieces(bytes, counts: counts.map { Int($0) })
        }
        var receive = [UInt8](repeating: 0, count: Int(total))
        var displacements = [Int32](repeating: 0, count: size)
        for i in 1..<size { displacements[i] = displacements[i - 1] + Int32(counts[i - 1]) }
        var counts32 = counts.map { Int32($0) }
        try bytes.withUnsafeBytes { send in
            try receive.withUnsafeMutableBytes { recv in
                try check(MPI_Allgatherv(send.baseAddress, Int32(bytes.count), cmpi_byte(), recv.baseAddress,
                                         &counts32, &displacements, cmpi_byte(), comm), "MPI_Allgatherv")
            }
        }
        return (0..<size).map { i in
            let start = Int(displacements[i])
            return Array(receive[start..<start + Int(counts32[i])])
        }
    }

    /// Each rank's bytes broadcast in turn, in chunks of at most 1 GiB.
    private func allgatherInPieces(_ bytes: [UInt8], counts: [Int]) throws -> [[UInt8]] {
        try (0..<size).map { root in try broadcast(root == rank ? bytes : [], root: root, count: counts[root]) }
    }

    public func broadcast(_ bytes: [UInt8], root: Int) throws -> [UInt8] {
        var count = Int64(bytes.count)
        try check(MPI_Bcast(&count, 1, cmpi_int64(), Int32(root), comm), "MPI_Bcast")
        return try broadcast(bytes, root: root, count: Int(count))
    }

    private func broadcast(_ bytes: [UInt8], root: Int, count: Int) throws -> [UInt8] {
        var buffer = rank == root ? bytes : [UInt8](repeating: 0, count: count)
        let chunk = 1 << 30
        var offset = 0
        try buffer.withUnsafeMutableBytes { raw in
            while offset < count {
                let n = min(chunk, count - offset)
                try check(MPI_Bcast(raw.baseAddress! + offset, Int32(n), cmpi_byte(), Int32(root), comm), "MPI_Bcast")
                offset += n
            }
        }
        return buffer
    }

    public func abort(code: Int32) -> Never {
        MPI_Abort(comm, code)
        exit(code)
    }

    private func check(_ rc: Int32, _ call: String) throws {
        guard rc != cmpi_success() else { return }
        throw ClusterError("\(call) failed on rank \(rank): \(MPIWorld.message(rc))")
    }

    static func message(_ rc: Int32) -> String {
        var text = [CChar](repeating: 0, count: Int(cmpi_max_error_string()) + 1)
        var length: Int32 = 0
        MPI_Error_string(rc, &text, &length)
        return String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
