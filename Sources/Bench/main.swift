// The benchmark executable: runs every benchmark in `allBenchmarks` (release build, see
// scripts/bench) and prints one JSON row per line; peer figures come from a file (--peer).
import Foundation
import Kernels

let usage = """
usage: Bench [--peer FILE] [--filter TEXT]
  --peer FILE    JSON rows from a peer (scripts/peer/conv_bench.py) to print beside ours
  --filter TEXT  run only benchmarks whose name contains TEXT
  --cpu-time     time in process CPU seconds / threads instead of wall time (tuning on a busy machine)
"""

var peer = PeerFigures()
var filter: String? = nil
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    switch flag {
    case "--peer" where !arguments.isEmpty:
        let path = arguments.removeFirst()
        do {
            peer = try PeerFigures(contentsOf: path)
        } catch {
            FileHandle.standardError.write("Bench: cannot read peer figures at \(path): \(error)\n".data(using: .utf8)!)
            exit(66)
        }
    case "--filter" where !arguments.isEmpty:
        filter = arguments.removeFirst()
    case "--cpu-time":
        Stopwatch.cpuClock = true
    case "-h", "--help":
        print(usage)
        exit(0)
    default:
        FileHandle.standardError.write("Bench: unknown argument '\(flag)'\n\(usage)\n".data(using: .utf8)!)
        exit(64)
    }
}

// OpenBLAS gets the same thread count as our pool, so direct sgemm rows compare like with like.
setBLASThreads(ThreadPool.width)
FileHandle.standardError.write("Bench: \(ThreadPool.width) threads (DISTILL_THREADS overrides)\n".data(using: .utf8)!)
for benchmark in allBenchmarks where filter.map({ benchmark.name.contains($0) }) ?? true {
    for row in benchmark.run() {
        print(peer.annotate(row).json)
        fflush(stdout)
    }
}
