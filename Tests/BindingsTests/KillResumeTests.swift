// The promise of checkpoints, end to end: a `distill` process killed with SIGKILL at a random
// iteration and started again with the same checkpoint ends with a checkpoint file identical,
// byte for byte, to that of a run that was never stopped.
import Foundation
import Persistence
import TensorCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

enum DistillExecutable {
    /// The built `distill` beside the test bundle (or under .build/debug from the sources).
    static var url: URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("distill"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("distill"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/distill"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Starts `distill run SCRIPT`; standard error (progress) goes to `errors`.
    static func start(_ script: String, errors: String) throws -> Process {
        let process = Process()
        process.executableURL = try #require(url, "the distill executable is not built")
        process.arguments = ["run", script]
        process.standardOutput = FileHandle.nullDevice
        FileManager.default.createFile(atPath: errors, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try process.run()
        return process
    }
}

/// The step count a checkpoint file records (the rest of its manifest is ignored).
struct CheckpointStep: Codable {
    var step: Int
}

@Test func aKilledRunResumesToTheSameBytes() throws {
    let root = try makeBandFolder()
    let folder = try temporaryFolder()
    let iterations = 60
    func script(_ name: String) throws -> String {
        let path = "\(folder)/\(name).dd"
        try """
        data = dataset("\(root)")
        syn = distill(data, ipc=2, iterations=\(iterations), batch_real=8, model=convnet(width=8, depth=2), seed=3, checkpoint="\(folder)/\(name).ddcheckpoint", every=1)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
    // The straight run.
    let straight = try DistillExecutable.start(try script("straight"), errors: folder + "/straight.err")
    straight.waitUntilExit()
    #expect(straight.terminationStatus == 0)

    // The broken run: killed once the checkpoint reaches step k.
    var rng = SeededRNG(seed: UInt64(Date().timeIntervalSince1970 * 1000))
    let k = 3 + rng.nextInt(below: iterations - 20)
    let brokenScript = try script("broken")
    let checkpoint = "\(folder)/broken.ddcheckpoint"
    let broken = try DistillExecutable.start(brokenScript, errors: folder + "/broken.err")
    var seen = 0
    let deadline = Date().addingTimeInterval(120)
    while broken.isRunning && Date() < deadline {
        if let (s, _) = try? ArchiveFile.read(CheckpointStep.self, kind: "checkpoint", from: checkpoint), s.step >= k {
            seen = s.step
            kill(broken.processIdentifier, SIGKILL)
            break
        }
        usleep(500)
    }
    broken.waitUntilExit()
    #expect(broken.terminationReason == .uncaughtSignal, "the run ended before it was killed at step \(k)")
    #expect(seen >= k && seen < iterations, "killed at step \(seen), aimed at \(k)")

    // Resume to the end, then compare the two final checkpoints byte for byte.
    let resumed = try DistillExecutable.start(brokenScript, errors: folder + "/resumed.err")
    resumed.waitUntilExit()
    #expect(resumed.terminationStatus == 0)
    // It went on from the checkpoint (a fresh start would end with the same bytes too).
    let progress = try String(contentsOfFile: folder + "/resumed.err", encoding: .utf8)
    let from = progress.range(of: "dm (resumed from iteration ").flatMap { r in
        Int(progress[r.upperBound...].prefix { $0.isNumber })
    }
    #expect(from.map { $0 >= seen && $0 < iterations } == true, "killed at step \(seen); progress: \(progress)")
    let a = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/straight.ddcheckpoint"))
    let b = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
    #expect(a == b, "killed at step \(seen): the resumed run's final state differs from the straight run's")
    let (final, _) = try ArchiveFile.read(CheckpointStep.self, kind: "checkpoint", from: checkpoint)
    #expect(final.step == iterations)
}

@Test func ctrlCSavesTheCheckpointAndTheRunGoesOnFromIt() throws {
    let root = try makeBandFolder()
    let folder = try temporaryFolder()
    let checkpoint = "\(folder)/dm.ddcheckpoint"
    func script(_ name: String, iterations: Int, checkpoint: String) throws -> String {
        let path = "\(folder)/\(name).dd"
        try """
        data = dataset("\(root)")
        syn = distill(data, ipc=2, iterations=\(iterations), batch_real=8, model=convnet(width=8, depth=2), seed=4, checkpoint="\(checkpoint)", every=100000)
        print(syn.iterations, syn.interrupted)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
    // Ctrl-C once the run is under way: with `every` far away, only the interrupt saves.
    let errors = folder + "/first.err"
    let first = try DistillExecutable.start(try script("first", iterations: 20_000, checkpoint: checkpoint), errors: errors)
    let deadline = Date().addingTimeInterval(60)
    while first.isRunning && Date() < deadline {
        if (try? String(contentsOfFile: errors, encoding: .utf8))?.contains("dm: 20000 steps") == true { break }
        usleep(2000)
    }
    usleep(200_000)
    kill(first.processIdentifier, SIGINT)
    first.waitUntilExit()
    #expect(first.terminationStatus == 130)
    let (saved, _) = try ArchiveFile.read(CheckpointStep.self, kind: "checkpoint", from: checkpoint)
    #expect(saved.step >= 1 && saved.step < 20_000)

    // Going on to step + 3 from the checkpoint equals a straight run of step + 3 iterations.
    let target = saved.step + 3
    let resumed = try DistillExecutable.start(try script("resumed", iterations: target, checkpoint: checkpoint), errors: folder + "/r.err")
    let straight = try DistillExecutable.start(try script("straight", iterations: target, checkpoint: folder + "/straight.ddcheckpoint"),
                                               errors: folder + "/s.err")
    resumed.waitUntilExit()
    straight.waitUntilExit()
    #expect(resumed.terminationStatus == 0 && straight.terminationStatus == 0)
    #expect(try String(contentsOfFile: folder + "/r.err", encoding: .utf8).contains("dm (resumed from iteration \(saved.step))"))
    let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/straight.ddcheckpoint"))
    let b = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
    #expect(a == b, "interrupted at step \(saved.step)")
}
