// Builtins that measure on a test split refuse a data set without one (an image folder with
// no test/), and batch sizes past the images they draw from are clamped with a note.
import Foundation
import Testing

@Suite struct MeasuringTests {
    /// A band folder whose test split is empty (ROOT/train/CLASS/*.png only).
    func folderWithoutTest() throws -> String {
        let root = try makeBandFolder(perClass: 3, testPerClass: 1)
        try FileManager.default.removeItem(atPath: root + "/test")
        return root
    }

    @Test func noTestSplitIsAnErrorForEveryMeasure() throws {
        let s = Snippet()
        s.run("data = dataset(\"\(try folderWithoutTest())\")")
        let evaluated = s.run("evaluate(subset(data, 1, seed=1), data, runs=1, epochs=1)")
        #expect(evaluated.contains("error:") && evaluated.contains("has no test split") && evaluated.contains("HINT:"), "\(evaluated)")
        #expect(!evaluated.contains("accuracy"))
        s.run("net = train(convnet(width=4, depth=1), data, epochs=1, seed=1)")
        let measured = s.run("accuracy(net, data)")
        #expect(measured.contains("error:") && measured.contains("has no test split"), "\(measured)")
        #expect(s.run("accuracy(net, data.test)").contains("error: bad argument #2 to 'accuracy' (the split has no images to measure on)"))
        // The train split is still there to measure on.
        #expect(!s.run("accuracy(net, data.train)").contains("error"))
    }

    @Test func batchRealPastAClassIsClampedWithOneNote() throws {
        let s = Snippet()
        s.run("data = dataset(\"\(try makeBandFolder(perClass: 3, testPerClass: 1))\")")
        let out = s.run("syn = distill(data, ipc=1, iterations=2, batch_real=1000000000, model=convnet(width=4, depth=1), seed=1)")
        #expect(out == "note: batch_real=1000000000 is more than the 3 images of the largest class; using 3\n", "\(out)")
        // The same images as asking for exactly the class size.
        s.run("ref = distill(data, ipc=1, iterations=2, batch_real=3, model=convnet(width=4, depth=1), seed=1)")
        let (a, b) = (s.tensorValue("syn.images"), s.tensorValue("ref.images"))
        #expect(a != nil && a == b)
        let dd = s.run("dd = distill(data, method=\"dd\", ipc=1, iterations=1, batch_real=10 ** 15, model=mlp(), seed=1)")
        #expect(dd.hasPrefix("note: batch_real=1000000000000000 is more than the 9 images of the train split; using 9\n"), "\(dd)")
        #expect(!dd.contains("error"))
    }

    @Test func trainingBatchesPastTheSetAreClampedWithANote() throws {
        let s = Snippet()
        s.run("data = dataset(\"\(try makeBandFolder(perClass: 3, testPerClass: 1))\")")
        let out = s.run("net = train(convnet(width=4, depth=1), data, epochs=1, batch=1000000, seed=1)")
        #expect(out == "note: batch=1000000 is more than the 9 training images; using 9\n", "\(out)")
        let ev = s.run("r = evaluate(subset(data, 1, seed=1), data, runs=1, epochs=1, batch=500)")
        #expect(ev.hasPrefix("note: batch=500 is more than the 3 images of the set; using 3\n"), "\(ev)")
        // Defaults larger than a small set say nothing.
        #expect(!s.run("r = evaluate(subset(data, 1, seed=1), data, runs=1, epochs=1)").contains("note"))
    }
}
