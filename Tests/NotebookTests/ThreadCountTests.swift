// Same seed, same bits for any thread count, checked where it cannot be disturbed: each thread
// count runs in a distill process of its own (DISTILL_THREADS), so no other test running at the
// same time can change a process-wide setting under it, and the session files must be equal.
import Foundation
import Testing

@Suite("same bits for any thread count, one process each")
struct ThreadCountTests {
    /// A tiny MNIST-shaped IDX set: 28x28 images, 10 classes.
    private func writeIDXSet(in folder: URL, train n: Int, test m: Int) throws {
        func idx(_ dims: [Int], _ payload: [UInt8]) -> Data {
            var bytes: [UInt8] = [0, 0, 0x08, UInt8(dims.count)]
            for d in dims { bytes += [UInt8(d >> 24 & 255), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
            return Data(bytes + payload)
        }
        var state: UInt64 = 12345
        func pixels(_ count: Int) -> [UInt8] {
            (0..<count).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(state >> 56)
            }
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try idx([n, 28, 28], pixels(n * 784)).write(to: folder.appendingPathComponent("train-images-idx3-ubyte"))
        try idx([n], (0..<n).map { UInt8($0 % 10) }).write(to: folder.appendingPathComponent("train-labels-idx1-ubyte"))
        try idx([m, 28, 28], pixels(m * 784)).write(to: folder.appendingPathComponent("t10k-images-idx3-ubyte"))
        try idx([m], (0..<m).map { UInt8($0 % 10) }).write(to: folder.appendingPathComponent("t10k-labels-idx1-ubyte"))
    }

    private func run(threads: Int, code: String) throws -> (status: Int32, stderr: String) {
        guard let url = Executable.url else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = url
        process.arguments = ["-e", code]
        var environment = ProcessInfo.processInfo.environment
        environment["DISTILL_THREADS"] = String(threads)
        process.environment = environment
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: err, as: UTF8.self))
    }

    @Test("matmul, DM and training give the same session with 1, 2 and 3 threads")
    func sameSessionBytes() throws {
        guard Executable.url != nil else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("distill-threads-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try writeIDXSet(in: dir.appendingPathComponent("digits"), train: 100, test: 20)
        var files: [Int: Data] = [:]
        for threads in [1, 2, 3] {
            let out = dir.appendingPathComponent("t\(threads).session")
            // Products large enough that OpenBLAS would thread them itself (m*n*k past 262,144),
            // a DM run (convolutions forward and backward) and training (the linear layer's GEMMs).
            let code = """
                data = dataset("\(dir.appendingPathComponent("digits").path)")
                seed(1)
                a = randn([97, 333])
                c = a @ randn([333, 61])
                syn = distill(data, method="dm", ipc=2, iterations=2, batch_real=10, seed=1)
                net = train(convnet(), syn, epochs=2, seed=1)
                save("\(out.path)")
                """
            let result = try run(threads: threads, code: code)
            #expect(result.status == 0, "DISTILL_THREADS=\(threads): \(result.stderr)")
            files[threads] = try Data(contentsOf: out)
        }
        #expect(files[1] == files[2], "DISTILL_THREADS=1 and 2 saved different sessions")
        #expect(files[1] == files[3], "DISTILL_THREADS=1 and 3 saved different sessions")
    }
}
