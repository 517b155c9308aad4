// The benchmark executable: runs every benchmark in `allBenchmarks` (release build, see
// scripts/bench) and prints one JSON row per line, with a peer's figures beside ours.
import Foundation
import Kernels

let usage = """
usage: Bench [--peer FILE] [--peer-command CMD] [--rounds N] [--filter TEXT] [--skip A,B] [--cpu-time]
  --peer FILE        JSON rows from a peer (scripts/peer/conv_bench.py) to print beside ours
  --peer-command CMD shell command printing peer rows, run once per round before our benchmarks
                     (given `--only TEXT` when --filter is, and --cpu-time)
  --rounds N         alternate peer and our benchmarks N times, keeping each side's best figure
                     (fairer on a shared machine; default 1)
  --filter TEXT      run only benchmarks whose name contains TEXT
  --skip A,B         leave out benchmarks with these exact names (scripts/bench runs them alone)
  --cpu-time         time in process CPU seconds / threads instead of wall time (tuning on a busy machine)
"""

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write("Bench: \(message)\n".data(using: .utf8)!)
    exit(code)
}

var peer = PeerFigures()
var peerCommand: String? = nil
var rounds = 1
var filter: String? = nil
var skipped: Set<String> = []
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    switch flag {
    case "--peer" where !arguments.isEmpty:
        let path = arguments.removeFirst()
        do { peer = try PeerFigures(contentsOf: path) } catch {
            fail("cannot read peer figures at \(path): \(error)", code: 66)
        }
    case "--peer-command" where !arguments.isEmpty:
        peerCommand = arguments.removeFirst()
    case "--rounds" where !arguments.isEmpty:
        guard let n = Int(arguments.removeFirst()), n > 0 else { fail("--rounds needs a positive integer", code: 64) }
        rounds = n
    case "--filter" where !arguments.isEmpty:
        filter = arguments.removeFirst()
    case "--skip" where !arguments.isEmpty:
        skipped = Set(arguments.removeFirst().split(separator: ",").map(String.init))
    case "--cpu-time":
        Stopwatch.cpuClock = true
    case "-h", "--help":
        print(usage)
        exit(0)
    default:
        fail("unknown argument '\(flag)'\n\(usage)", code: 64)
    }
}

/// Peak resident set size of this process in MB (Linux reports ru_maxrss in KB).
func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Runs `command` through the shell and returns what it printed.
func runPeer(_ command: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { fail("cannot run peer command '\(command)': \(error)", code: 70) }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    if process.terminationStatus != 0 { fail("peer command '\(command)' failed (\(process.terminationStatus))", code: 70) }
    return String(decoding: data, as: UTF8.self)
}

// OpenBLAS runs single-threaded, as in the library; direct sgemm rows use sgemmParallel.
configureBLAS()
FileHandle.standardError.write("Bench: \(ThreadPool.width) threads (DISTILL_THREADS overrides), \(rounds) round(s)\n".data(using: .utf8)!)
let selected = allBenchmarks.filter { b in !skipped.contains(b.name) && (filter.map { b.name.contains($0) } ?? !b.explicitOnly) }
var best: [BenchRow] = []
for round in 1...rounds {
    if let peerCommand {
        let options = (filter.map { " --only '\($0)'" } ?? "") + (Stopwatch.cpuClock ? " --cpu-time" : "")
        peer.add(lines: runPeer(peerCommand + options))
    }
    var rows = selected.flatMap { $0.run() }
    // Peak resident memory of the process so far: a row's own when it runs alone (scripts/bench).
    for i in rows.indices where rows[i].peakMB == nil { rows[i].peakMB = peakResidentMB() }
    // Keep each row's best figure over the rounds; print as soon as the last round has it.
    best = round == 1 ? rows : zip(best, rows).map { $0.figure >= $1.figure ? $0 : $1 }
    if round > 1 { for i in best.indices { best[i].peakMB = rows[i].peakMB } }
}
for row in best { print(peer.annotate(row).json) }
