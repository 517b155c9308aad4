// The front ends under `mpirun` (docs/scale-out.md): every rank runs the same script; rank 0
// alone prints, the others keep what they would print in a private file shown only if that
// rank fails alone. Before a script starts the ranks check that they run one build and one
// program; at the end they agree on the exit status, or a rank that failed while the others
// wait in a collective ends the job.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Cluster
import Foundation
import Persistence

extension Frontend {
    /// How long a failed rank waits for the others at the end before ending the job.
    static let exitPatience = 10.0

    /// Joins the MPI job when a launcher started this process (a world of one otherwise) and
    /// silences ranks other than 0. Returns an exit status when that fails.
    public static func startRanks(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32? {
        do {
            try World.start(environment: environment)
        } catch {
            StandardError().write("distill: cannot join the MPI job: \(error)\n")
            return ExitStatus.runtime
        }
        let world = World.shared
        guard world.rank > 0 else { return nil }
        let null = open("/dev/null", O_WRONLY)
        if null >= 0 { dup2(null, STDOUT_FILENO); close(null) }
        RankOutput.realError = dup(STDERR_FILENO)
        var template = Array("/tmp/distill-rank\(world.rank)-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd >= 0 {
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            dup2(fd, STDERR_FILENO)
            close(fd)
        }
        return nil
    }

    /// The REPL reads one terminal; under mpirun there is one per rank, or none.
    static func refuseInteractive() -> Int32? {
        let world = World.shared
        guard world.size > 1 else { return nil }
        StandardError().write("distill: the interactive REPL runs as one process, but this job has \(world.size) ranks; under mpirun run a script (distill run FILE, or -e CODE, or distill notebook FILE)\n")
        return ExitStatus.usage
    }

    /// The program every rank runs: rank 0's standard input for `run -` (the others have
    /// none), and a check that all ranks run the same build of distill on the same program
    /// and settings. Returns the text, or nil after printing why the ranks disagree.
    static func agreeOnProgram(_ text: String, sets: [String], fromStandardInput: Bool) throws -> String? {
        let world = World.shared
        guard world.size > 1 else { return text }
        var program = text
        if fromStandardInput {
            program = String(decoding: try world.broadcast(Array(text.utf8), root: 0), as: UTF8.self)
        }
        let build = UInt64(executableChecksum())
        let source = UInt64(CRC32.checksum(Array((program + "\u{0}" + sets.joined(separator: "\u{0}")).utf8)))
        let all = try world.allgather(integers: [build, source])
        var problems: [String] = []
        for (rank, pair) in all.enumerated() where rank > 0 {
            if pair[0] != all[0][0] { problems.append("rank \(rank) runs a different build of distill (checksum \(String(pair[0], radix: 16)), rank 0 \(String(all[0][0], radix: 16)))") }
            if pair[1] != all[0][1] { problems.append("rank \(rank) was given a different program or --set values") }
        }
        guard problems.isEmpty else {
            StandardError().write("distill: the ranks of this job disagree: \(problems.joined(separator: "; ")); every rank must run the same distill binary on the same script\n")
            return nil
        }
        return program
    }

    /// CRC-32 of this executable's file: two builds that differ in one byte differ here.
    static func executableChecksum() -> UInt32 {
        guard let bytes = FileManager.default.contents(atPath: "/proc/self/exe") ?? FileManager.default.contents(atPath: CommandLine.arguments[0]) else { return 0 }
        return bytes.withUnsafeBytes { CRC32.checksum($0) }
    }

    /// The exit status of the job, and the end of MPI. All ranks arrived: every rank leaves with
    /// the largest status, and a rank whose status differs from rank 0's shows what it
    /// printed. A failed rank left alone: it shows what it printed and ends the job.
    public static func finishRanks(_ status: Int32) -> Int32 {
        guard let world = World.shared as? MPIWorld, world.size > 1 else {
            World.finish()
            return status
        }
        fflush(stdout)
        guard let statuses = world.agreeOnExit(status: status, patience: exitPatience) else {
            RankOutput.show(rank: world.rank, reason: "failed (exit status \(status)) while the other ranks were still working; ending the job")
            world.abort(code: status)
        }
        if world.rank > 0, status != statuses[0] {
            RankOutput.show(rank: world.rank, reason: "ended with exit status \(status), rank 0 with \(statuses[0])")
        }
        world.finalize()
        return statuses.max() ?? status
    }
}

/// What a rank other than 0 printed to standard error, kept in an unlinked file.
enum RankOutput {
    nonisolated(unsafe) static var realError: Int32 = -1

    static func show(rank: Int, reason: String) {
        guard rank > 0, realError >= 0 else {
            FileHandle.standardError.write(Data("distill: rank \(rank) \(reason)\n".utf8))
            return
        }
        var kept: [UInt8] = []
        if lseek(STDERR_FILENO, 0, SEEK_SET) == 0 {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = read(STDERR_FILENO, &buffer, buffer.count)
                if n <= 0 { break }
                kept += buffer[0..<n]
            }
        }
        // The last lines are the error; the progress before them is noise.
        let lines = String(decoding: kept, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let tail = lines.suffix(20).map { "rank \(rank): \($0)" }.joined(separator: "\n")
        let text = "distill: rank \(rank) \(reason)\n" + (tail.isEmpty ? "" : tail + "\n")
        _ = text.utf8CString.withUnsafeBufferPointer { write(realError, $0.baseAddress!, $0.count - 1) }
    }
}
