// Allocations a script decides, through the language: too large for the memory limit is an
// error that says how much was asked for, the limit and what to do, and the session goes on.
// The limit is lowered for each test's own task only (tests run in parallel).
import Foundation
import Testing
import TensorCore

@Suite struct MemoryLimitLibraryTests {
    /// Runs `body` with the limit at `bytes` for this test alone.
    func limited<T>(_ bytes: Int, _ body: () throws -> T) rethrows -> T {
        try MemoryLimit.$override.withValue(bytes, operation: body)
    }

    @Test(arguments: ["zeros([1000, 1000])", "ones([1000, 1000])", "randn([1000, 1000], seed=1)",
                      "full([1000, 1000], 2)", "ones([1000, 1]) @ ones([1, 1000])", "ones([1000, 1]) + ones([1, 1000])",
                      "one_hot(range(1000), 1000)", "arange(1000000)"])
    func tooLargeIsAnErrorAndTheSessionGoesOn(code: String) {
        let s = Snippet()
        let out = limited(1 << 20) { s.run("x = " + code) }
        #expect(out.contains("error:"), "\(code): \(out)")
        #expect(out.contains("needs 3.8 MiB, more than the memory limit of 1.0 MiB"), "\(code): \(out)")
        #expect(out.contains("HINT:") && out.contains("DISTILL_MEMORY_LIMIT"))
        #expect(limited(1 << 20) { s.run("print(len(zeros([10])))") } == "10\n")
    }

    @Test func shapesPastIntAreErrors() {
        let out = run("x = zeros([2 ** 40, 2 ** 40])")
        #expect(out.contains("error: zeros: shape [1099511627776, 1099511627776] has too many elements"))
        #expect(run("x = reshape(ones([2]), [2 ** 40, 2 ** 40, 0])").contains("error:"))
        #expect(run("x = zeros([100000, 100000])").contains("error:"))   // 37 GiB: past any test machine
    }

    @Test func aModelTooLargeToTrainIsRefusedBeforeTraining() throws {
        let root = try makeBandFolder(perClass: 2, testPerClass: 1)
        let s = Snippet()
        s.run("data = dataset(\"\(root)\")")
        // Each weight tensor fits (64 x 64 x 3 x 3 floats = 147 KiB) but training the model does not.
        let out = limited(1 << 20) { s.run("net = train(convnet(width=64), data, epochs=1)") }
        #expect(out.contains("error: train: ConvNet"), "\(out)")
        #expect(out.contains("held about 4 times over") && out.contains("more than the memory limit of 1.0 MiB"), "\(out)")
        let huge = limited(1 << 20) { s.run("net = train(convnet(width=1000000), data, epochs=1)") }
        #expect(huge.contains("error:") && huge.contains("ConvNet"), "\(huge)")
        #expect(s.run("print(1 + 1)") == "2\n")
    }

    @Test func expertTrajectoriesTooLargeAreRefusedBeforeTraining() throws {
        let s = Snippet()
        s.run("data = dataset(\"\(try makeBandFolder(perClass: 2, testPerClass: 1))\")")
        let out = limited(1 << 20) { s.run("ex = experts(data, count=1000, epochs=1000, model=convnet(width=4, depth=1))") }
        #expect(out.hasPrefix("error: bad argument 'epochs' to 'experts' (experts: 1000 trajectories of 1001 snapshots of"), "\(out)")
        #expect(out.contains("more than the memory limit of 1.0 MiB"))
    }
}
