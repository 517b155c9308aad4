// `checkpoint=` and `every=` on distill, train and evaluate: a finished checkpoint gives the
// same result again, other settings are an error naming the fields, bad arguments are refused.
import Foundation
import Testing

@Suite struct CheckpointArgumentTests {
    let root: String
    let folder: String
    init() throws {
        root = try makeBandFolder()
        folder = try temporaryFolder()
    }

    @Test func trainEvaluateAndDistillResumeFromTheirCheckpoints() {
        let s = Snippet()
        s.run("data = dataset(\"\(root)\")\nnet = convnet(width=4, depth=1)")
        let code = """
        m = train(net, data, epochs=3, seed=2, checkpoint="\(folder)/t.ddcheckpoint")
        r = evaluate(data.train, data, model=net, runs=2, epochs=2, seed=3, checkpoint="\(folder)/e.ddcheckpoint")
        syn = distill(data, ipc=1, iterations=3, batch_real=4, model=net, seed=4, checkpoint="\(folder)/d.ddcheckpoint", every=2)
        print(accuracy(m, data), m.loss, r.accuracies, syn.loss)
        """
        let first = s.run(code)
        #expect(!first.contains("error"), "\(first)")
        #expect(s.run(code) == first, "the finished checkpoints give the same results")
        let other = s.run("train(net, data, epochs=4, seed=2, checkpoint=\"\(folder)/t.ddcheckpoint\")")
        #expect(other.contains("was made with other settings: train.epochs: 4 here, 3 there"), "\(other)")
        #expect(other.contains("train.schedule"), "\(other)")
        let dm = s.run("distill(data, ipc=1, iterations=3, batch_real=8, model=net, seed=4, checkpoint=\"\(folder)/d.ddcheckpoint\")")
        #expect(dm.contains("batchReal: 8 here, 4 there"), "\(dm)")
        #expect(s.run("train(net, data, checkpoint=\"\(folder)/x\", every=0)").contains("every must be at least 1, got 0"))
        #expect(s.run("distill(data, checkpoint=\"\")").contains("the checkpoint path is empty"))
        // A missing folder is made; a plain file where the folder should be is an error.
        _ = s.run("evaluate(data.train, data, checkpoint=\"\(folder)/made/e\", runs=1, epochs=1)")
        #expect(FileManager.default.fileExists(atPath: "\(folder)/made/e"))
        FileManager.default.createFile(atPath: "\(folder)/plain", contents: Data("x".utf8))
        #expect(s.run("evaluate(data.train, data, checkpoint=\"\(folder)/plain/e\", runs=1, epochs=1)").contains("is not a folder"))
    }
}
