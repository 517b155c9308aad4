// Non-finite numbers never pass for results: a diverged train/evaluate/distill says so loudly,
// and images holding nan or inf are refused by grid, train and evaluate, naming how many.
import Foundation
import Persistence
import Testing

@Suite struct DivergenceTests {
    let root: String
    init() throws { root = try makeBandFolder() }

    func session() -> Snippet { Snippet.opening(root, then: "net = convnet(width=4, depth=1)") }

    @Test func aDivergedTrainingRunIsReportedNotMeasured() {
        let s = session()
        let out = s.run("m = train(net, data, epochs=3, lr=1e30, batch=8, seed=1)")
        #expect(out.hasPrefix("warning: train: training diverged at epoch "), "\(out)")
        #expect(out.hasSuffix("; the model's weights are not usable (HINT: lower lr)\n"), "\(out)")
        #expect(s.run("print(m)").contains(", training diverged at epoch "))
        #expect(s.run("accuracy(m, data)").contains("its accuracy would be chance, not a result"))
    }

    @Test func aDivergedEvaluationHasNoAccuracy() {
        let s = session()
        let out = s.run("r = evaluate(data.train, data, model=net, runs=2, epochs=3, lr=1e30, batch=8, seed=1)\nprint(r)\nprint(r.mean)")
        #expect(out.contains("warning: evaluate: training of run 1 diverged at epoch "), "\(out)")
        #expect(out.contains("ConvNet-D1W4 on 24 images: no test accuracy: training of run 1 diverged at epoch "), "\(out)")
        #expect(!out.contains("%"), "no accuracy is printed: \(out)")
        #expect(out.hasSuffix("\nnan\n"), "\(out)")
    }

    @Test func aDivergedDistillationKeepsItsLastFiniteImages() {
        let s = session()
        let out = s.run("syn = distill(data, ipc=1, iterations=6, lr=1e30, batch_real=4, model=convnet(width=4, depth=1, norm=\"none\"), seed=2)\nprint(syn)")
        #expect(out.hasPrefix("warning: distill: the run diverged: iteration "), "\(out)")
        #expect(out.contains("[diverged: iteration "), "\(out)")
        // What it hands back is usable, and keeps its mark through a session file.
        #expect(!s.run("grid(syn, \"\(root)/syn.png\")").contains("error"))
        #expect(s.run("save(\"\(root)/d.ddsession\")") == "")
        let t = Snippet()
        #expect(t.run("load(\"\(root)/d.ddsession\")\nprint(syn)").contains("[diverged: iteration "))
    }

    @Test func nonFiniteImagesAreRefused() throws {
        let s = session()
        #expect(s.run("grid(zeros([2, 1, 4, 4]) / 0, \"\(root)/x.png\")")
            == "error: bad argument #1 to 'grid' (32 of the 32 values of the images are not finite (nan or inf))")
        // A saved set whose images were replaced by nans (valid CRCs): evaluate and grid refuse it.
        let path = root + "/nan.ddsession"
        #expect(!s.run("syn = distill(data, ipc=1, iterations=1, batch_real=4, model=net, seed=2)\nsave(\"\(path)\")").contains("error"))
        let (manifest, store) = try ArchiveFile.read(JSONValue.self, kind: "session", from: path)
        var blobs = BlobTable()
        for name in store.names {
            let values = try store.values(name)
            blobs.add(name, name == "syn.images" ? values.map { _ in Float.nan } : values)
        }
        try ArchiveFile.write(manifest, kind: "session", blobs: blobs, to: path)
        let t = Snippet()
        #expect(t.run("load(\"\(path)\")") == "")
        #expect(t.run("evaluate(syn, data, runs=1, epochs=1)") == "error: bad argument #1 to 'evaluate' (192 of the 192 values of the images are not finite (nan or inf))")
        #expect(t.run("train(convnet(), syn)") == "error: bad argument #2 to 'train' (192 of the 192 values of the images are not finite (nan or inf))")
        #expect(t.run("grid(syn, \"\(root)/s.png\")").contains("192 of the 192 values of the images are not finite"))
    }
}
