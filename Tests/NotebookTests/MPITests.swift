// `distill` under `mpirun` on loopback (docs/scale-out.md): the same output for 1, 2 and 3
// ranks as without MPI, rank 0 alone printing and writing, the REPL refused, ranks given
// different programs refused, and a killed rank ending the job. Open MPI comes from
// scripts/setup (openmpi-bin); these tests fail, not skip, without it.
import Foundation
import Testing

enum MPI {
    static let mpirun: String? = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The environment for a child: as root Open MPI refuses to start without these.
    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        if getuid() == 0 {
            env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
            env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        }
        // One thread per rank: three ranks share two cores in CI.
        env["DISTILL_THREADS"] = "1"
        return env
    }

    /// `mpirun --oversubscribe -n ranks distill ARGS` (ranks 0: distill without mpirun).
    static func run(ranks: Int, _ arguments: [String], directory: String, stdin: String = "",
                    launcher: [String]? = nil) throws -> Executable.Run {
        let process = Process()
        guard let distill = Executable.url else { throw CocoaError(.fileNoSuchFile) }
        if ranks == 0 {
            process.executableURL = distill
            process.arguments = arguments
        } else {
            guard let mpirun else { throw CocoaError(.fileNoSuchFile) }
            process.executableURL = URL(fileURLWithPath: mpirun)
            process.arguments = launcher ?? (["--oversubscribe", "-n", "\(ranks)", distill.path] + arguments)
        }
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        // Both pipes drained at once: a full stderr pipe would block the job.
        final class Box: @unchecked Sendable { var data = Data() }
        let errData = Box()
        let drained = DispatchSemaphore(value: 0)
        let reader = Thread {
            errData.data = errors.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        reader.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        drained.wait()
        return Executable.Run(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                              stderr: String(decoding: errData.data, as: UTF8.self))
    }

    /// A folder holding a tiny IDX data set (3 classes of 8x8 images) and `files`.
    static func folder(_ files: [String: String]) throws -> String {
        let folder = NSTemporaryDirectory() + "distill-mpi-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/tiny", withIntermediateDirectories: true)
        func idx(_ dims: [Int], _ bytes: [UInt8]) -> Data {
            var d: [UInt8] = [0, 0, 8, UInt8(dims.count)]
            for n in dims { d += [UInt8(n >> 24 & 255), UInt8(n >> 16 & 255), UInt8(n >> 8 & 255), UInt8(n & 255)] }
            return Data(d + bytes)
        }
        // Class c is a bright band in rows 2c..2c+2, with a little pixel noise.
        func images(_ n: Int, salt: Int) -> [UInt8] {
            (0..<n).flatMap { i in (0..<64).map { p in
                let band = (p / 8) / 3 == i % 3 ? 180 : 30
                return UInt8((band + (i * 37 + p * 11 + salt * 5) % 60) & 255)
            } }
        }
        let files2: [(String, Data)] = [
            ("train-images-idx3-ubyte", idx([36, 8, 8], images(36, salt: 1))),
            ("train-labels-idx1-ubyte", idx([36], (0..<36).map { UInt8($0 % 3) })),
            ("t10k-images-idx3-ubyte", idx([15, 8, 8], images(15, salt: 2))),
            ("t10k-labels-idx1-ubyte", idx([15], (0..<15).map { UInt8($0 % 3) })),
        ]
        for (name, data) in files2 { try data.write(to: URL(fileURLWithPath: folder + "/tiny/" + name)) }
        for (name, text) in files { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        return folder
    }
}

@Suite(.serialized) struct MPITests {
    @Test func openMPIIsInstalled() {
        #expect(MPI.mpirun != nil, "mpirun not found: scripts/setup installs openmpi-bin")
    }

    /// evaluate and score split their runs, experts its experts; export and the experts file
    /// (rank 0 writes) are read back by every rank.
    static let script = """
        data = dataset("tiny")
        few = subset(data, 2, seed=1)
        r = evaluate(few, data, runs=3, epochs=3, protocol="standard", model=convnet(width=4, depth=1), seed=5)
        print(r)
        print(r.accuracies)
        s = score(few, data, runs=2, epochs=2, full=0.9, seed=3, protocol="dc", model=convnet(width=4, depth=1))
        print(s)
        export(few, "few.npz")
        back = dataset("few.npz")
        print(len(back), back.classes)
        ex = experts(data, count=3, epochs=1, batch=8, model=convnet(width=4, depth=1), seed=2, file="tiny.ddexperts")
        print(ex)
        again = experts(data, file="tiny.ddexperts")
        m = distill(data, method="mtt", ipc=1, experts=again, iterations=2, syn_steps=2, expert_epochs=1, max_start_epoch=1, seed=4)
        print(m.images.sum())
        """

    @Test func everyRankCountPrintsWhatOneProcessPrints() throws {
        guard MPI.mpirun != nil, Executable.url != nil else { Issue.record("mpirun or distill missing"); return }
        let folder = try MPI.folder(["split.dd": MPITests.script])
        let plain = try MPI.run(ranks: 0, ["run", "split.dd"], directory: folder)
        try? FileManager.default.removeItem(atPath: folder + "/tiny.ddexperts")
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("3 runs"))
        for ranks in [1, 2, 3] {
            try? FileManager.default.removeItem(atPath: folder + "/few.npz")
            try? FileManager.default.removeItem(atPath: folder + "/tiny.ddexperts")
            let run = try MPI.run(ranks: ranks, ["run", "split.dd"], directory: folder)
            #expect(run.status == 0, "\(ranks) ranks: \(run.stderr)")
            #expect(run.stdout == plain.stdout, "\(ranks) ranks print what one process prints, once")
            #expect(FileManager.default.fileExists(atPath: folder + "/few.npz"))
        }
    }

    @Test func standardInputReachesEveryRank() throws {
        guard MPI.mpirun != nil, Executable.url != nil else { Issue.record("mpirun or distill missing"); return }
        let folder = try MPI.folder([:])
        let run = try MPI.run(ranks: 2, ["run", "-"], directory: folder, stdin: "r = evaluate(subset(dataset(\"tiny\"), 1, seed=1), dataset(\"tiny\"), runs=2, epochs=1, model=mlp(), protocol=\"standard\")\nprint(len(r.accuracies))\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "2\n")
    }

    @Test func theREPLNeedsOneProcess() throws {
        guard MPI.mpirun != nil, Executable.url != nil else { Issue.record("mpirun or distill missing"); return }
        let run = try MPI.run(ranks: 2, [], directory: NSTemporaryDirectory())
        #expect(run.status == 64)
        #expect(run.stderr.contains("the interactive REPL runs as one process, but this job has 2 ranks"))
    }

    @Test func ranksWithDifferentProgramsAreRefused() throws {
        guard MPI.mpirun != nil, let distill = Executable.url else { Issue.record("mpirun or distill missing"); return }
        let run = try MPI.run(ranks: 2, [], directory: NSTemporaryDirectory(), launcher: [
            "--oversubscribe", "-n", "1", distill.path, "-e", "print(1)", ":", "-n", "1", distill.path, "-e", "print(2)"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("rank 1 was given a different program"))
        #expect(run.stdout.isEmpty, "nothing ran")
    }

    @Test func aScriptErrorEndsEveryRankWithItsStatus() throws {
        guard MPI.mpirun != nil, Executable.url != nil else { Issue.record("mpirun or distill missing"); return }
        let folder = try MPI.folder(["bad.dd": "print(\"before\")\nx = [1][5]\n"])
        let run = try MPI.run(ranks: 3, ["run", "bad.dd"], directory: folder)
        #expect(run.status == 70)
        #expect(run.stdout == "before\n")
        // Rank 0 reports the error once; the others keep their copies to themselves.
        #expect(run.stderr.components(separatedBy: "bad.dd:2:").count == 2, "\(run.stderr)")
    }

    @Test func aKilledRankEndsTheJobWithinSeconds() throws {
        guard MPI.mpirun != nil, Executable.url != nil else { Issue.record("mpirun or distill missing"); return }
        let marker = "killme-\(UUID().uuidString.prefix(8)).dd"
        let folder = try MPI.folder([marker: "x = 0\nwhile true\n  x = x + 1\nend\n"])
        let started = Date()
        let killer = Thread {
            // Wait for the three ranks, then kill one of them (not mpirun).
            for _ in 0..<200 {
                usleep(100_000)
                let pids = MPITests.pids(matching: "distill run \(marker)")
                if pids.count == 3 { kill(pids[1], SIGKILL); return }
            }
        }
        killer.start()
        let run = try MPI.run(ranks: 3, ["run", marker], directory: folder)
        #expect(run.status != 0)
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(run.stderr.contains("exited on signal 9"), "\(run.stderr)")
        #expect(MPITests.pids(matching: "distill run \(marker)").isEmpty, "no rank outlives the job")
    }

    /// Processes whose command line is `.../distill ARGS` containing `text`, oldest first.
    static func pids(matching text: String) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { Int32($0) }.sorted().filter { pid in
            guard let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let parts = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard let first = parts.first, first.hasSuffix("/distill") else { return false }
            return parts.joined(separator: " ").contains(text)
        }
    }
}
