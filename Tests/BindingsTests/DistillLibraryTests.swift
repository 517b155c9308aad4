// The data, model and distill builtins end to end on a tiny image-folder data set written to a
// temporary folder (3 classes of 8x8 grey images, bright in a class-specific band).
import Foundation
import ImageIO
import Testing
import TensorCore

/// Writes ROOT/{train,test}/CLASS/i.png and returns ROOT.
/// Three classes of `size` x `size` grey images, class c bright in the c-th third of the rows.
func makeBandFolder(perClass: Int = 8, testPerClass: Int = 4, size: Int = 8, channels: Int = 1) throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("distill-bands-\(UUID().uuidString)").path
    var rng = SeededRNG(seed: 5)
    for (split, n) in [("train", perClass), ("test", testPerClass)] {
        for c in 0..<3 {
            let dir = "\(root)/\(split)/band\(c)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for i in 0..<n {
                var pixels = [UInt8]()
                for y in 0..<size {
                    for _ in 0..<(size * channels) {
                        let base: Float = y * 3 / size == c ? 200 : 40
                        pixels.append(UInt8(max(0, min(255, base + 30 * rng.nextNormal()))))
                    }
                }
                try PNGImage(width: size, height: size, channels: channels, pixels: pixels).write(to: "\(dir)/\(i).png")
            }
        }
    }
    return root
}

@Suite struct DistillLibraryTests {
    let root: String
    init() throws { root = try makeBandFolder() }

    func session() -> Snippet { Snippet.opening(root) }

    @Test func datasetSummaryMembersAndSubset() {
        let s = session()
        let out = s.run("print(data)\nprint(data.classes)\nprint(len(data))\nprint(data.test.count)\nprint(subset(data, 2, seed=1))")
        #expect(out.contains(": 24 train / 12 test, 1x8x8, 3 classes"))
        #expect(out.contains("[\"band0\", \"band1\", \"band2\"]"))
        #expect(out.contains("24\n12\n"))
        #expect(out.contains("6 images (2 per class)"))
    }

    @Test func distillEvaluateTrainAccuracy() {
        let s = session()
        let out = s.run("""
        net = convnet(width=8, depth=2)
        syn = distill(data, ipc=2, iterations=4, batch_real=8, model=net, seed=3)
        print(syn)
        print(syn.images.shape, syn.labels, len(syn.loss))
        r = evaluate(syn, data, model=net, runs=2, epochs=5, seed=4)
        print(r.runs, r.mean >= 0, r.mean <= 1)
        m = train(net, data, epochs=8, lr=0.05, seed=5)
        print(accuracy(m, data) > 0.8)
        """)
        #expect(out.contains("DM synthetic set of"), "\(out)")
        #expect(out.contains("2 per class x 3 classes = 6 images, 1x8x8, 4 iterations"))
        #expect(out.contains("[6, 1, 8, 8] [0, 0, 1, 1, 2, 2] 4"))
        #expect(out.contains("2 true true"))
        #expect(out.hasSuffix("true\n"), "\(out)")
    }

    @Test func gradientMatchingMethods() {
        let s = session()
        let out = s.run("""
        dc = distill(data, method="dc", ipc=1, iterations=2, batch_real=4, model=convnet(width=4, depth=1), seed=2)
        dsa = distill(data, method="dsa", ipc=2, iterations=1, batch_real=4, model=convnet(width=4, depth=1), distance="mse", seed=2)
        print(dc.method, dsa.method, len(dc.loss), dsa.images.shape)
        """)
        #expect(out.hasSuffix("dc dsa 2 [6, 1, 8, 8]\n"), "\(out)")
        #expect(s.run("distill(data, method=\"dc\", distance=\"far\")").contains("unknown distance \"far\""))
    }

    @Test func idcAndCoresets() {
        let s = session()
        let out = s.run("""
        idc = distill(data, method="idc", ipc=1, iterations=1, batch_real=4, model=convnet(width=4, depth=1), seed=2)
        print(idc.method, idc.images.shape)
        dream = distill(data, method="dream", ipc=1, iterations=1, batch_real=2, model=convnet(width=4, depth=1), seed=2)
        print(dream.method, len(dream.loss))
        print(evaluate(idc, data, model=convnet(width=4, depth=1), runs=1, epochs=1))
        for m in ["random", "herding", "kcenter", "kmeans"]
          core = select(data, 2, method=m, model=convnet(width=4, depth=1), seed=3)
          print(m, len(core), core.counts)
        end
        """)
        #expect(out.contains("idc [3, 1, 8, 8]"), "\(out)")
        #expect(out.contains("dream 1"), "\(out)")
        #expect(out.contains("on 12 images"), "IDC with factor 2 trains on 4 decoded images per stored one: \(out)")
        for m in ["random", "herding", "kcenter", "kmeans"] { #expect(out.contains("\(m) 6 [2, 2, 2]"), "\(out)") }
        #expect(s.run("select(data, 2, method=\"best\")").contains("unknown method \"best\""))
        #expect(s.run("select(data, 99)").contains("fewer than the 99 per class"))
    }

    @Test func sameSeedSameSyntheticImages() {
        let s = session()
        s.run("a = distill(data, ipc=1, iterations=2, batch_real=4, model=convnet(width=4, depth=1), seed=9)")
        s.run("b = distill(data, ipc=1, iterations=2, batch_real=4, model=convnet(width=4, depth=1), seed=9)")
        #expect(s.run("print((a.images - b.images).abs().max())") == "0\n")
    }

    @Test func gridOfSyntheticAndDataSets() throws {
        let s = session()
        let png = root + "/grid.png"
        let out = s.run("syn = distill(data, ipc=2, iterations=1, batch_real=4, model=convnet(width=4, depth=1), seed=1)\ngrid(syn, \"\(png)\", scale=2, labels=true)\ngrid(data.test, \"\(root)/test.png\", n=3)")
        #expect(out.contains("(3 x 2 images"), "\(out)")
        #expect(out.contains("(3 x 3 images"), "\(out)")
        #expect(FileManager.default.fileExists(atPath: png))
    }

    @Test func budgetResumeAndDreamSelectionFromTheLanguage() throws {
        let s = session()
        let tiny = "ipc=1, batch_real=4, model=convnet(width=4, depth=1), seed=3"
        s.run("whole = distill(data, iterations=4, \(tiny))")
        let out = s.run("part = distill(data, iterations=4, budget=\"0.000001s\", \(tiny))\nprint(part.iterations, part.budget_spent)\nprint(part)")
        #expect(out.hasPrefix("2 true\n"), "\(out)")
        #expect(out.contains("[budget spent]"), "\(out)")
        s.run("rest = distill(data, iterations=4, resume=part, \(tiny))")
        #expect(s.run("print((rest.images - whole.images).abs().max(), rest.iterations)") == "0 4\n")
        // Settings not given are the resumed set's, the seed included.
        s.run("same = distill(data, iterations=4, resume=part)")
        #expect(s.run("print((same.images - whole.images).abs().max(), same.method)") == "0 dm\n")
        // The run state survives a session file.
        let file = root + "/resume.ddsession"
        s.run("save(\"\(file)\")")
        let t = Snippet()
        t.run("load(\"\(file)\")\nagain = distill(data, iterations=4, resume=part, \(tiny))")
        #expect(t.run("print((again.images - whole.images).abs().max())") == "0\n")
        let dream = s.run("d = distill(data, iterations=2, select=\"dream\", interval=2, features=\"current\", init=\"kmeans\", \(tiny))\nprint(d.settings)")
        #expect(dream.contains("select=dream(interval: 2)") && dream.contains("dream_features=current") && dream.contains("init=kmeans"), "\(dream)")
        #expect(s.run("print(distill(data, method=\"dc\", iterations=1, select=\"dream\", \(tiny)).settings)").contains("select=dream(interval: 10)"))
    }

    @Test func budgetResumeAndSelectionErrors() {
        let s = session()
        let tiny = "ipc=1, batch_real=4, model=convnet(width=4, depth=1), seed=3"
        #expect(s.run("distill(data, select=\"best\")").contains("unknown selection \"best\" (expected one of: random, dream)"))
        #expect(s.run("distill(data, budget=\"soon\")").contains("budget must be a positive duration"))
        #expect(s.run("distill(data, budget=\"-1m\")").contains("budget must be a positive duration"))
        #expect(s.run("distill(data, interval=5)").contains("interval= and pool= tune select=\"dream\""))
        #expect(s.run("distill(data, select=\"dream\", interval=0)").contains("interval must be at least 1"))
        #expect(s.run("distill(data, method=\"dc\", features=\"fixed\")").contains("features= chooses DREAM's network for dm only"))
        #expect(s.run("distill(data, features=\"old\")").contains("error:"))
        #expect(s.run("distill(data, resume=3)").contains("synthetic set expected, got number"))
        s.run("a = distill(data, iterations=1, \(tiny))")
        #expect(s.run("distill(data, method=\"dc\", iterations=2, resume=a, \(tiny))").contains("made by dm, not dc"))
        #expect(s.run("distill(data, iterations=2, lr=0.5, resume=a, \(tiny))").contains("other settings"))
        #expect(s.run("distill(data, iterations=2, resume=a, ipc=2, batch_real=4, model=convnet(width=4, depth=1), seed=3)").contains("1 images per class, not ipc 2"))
    }

    @Test func badInputGivesClearErrors() {
        let s = session()
        #expect(s.run("dataset(\"no-such-set\")").contains("error:"))
        #expect(s.run("distill(data, method=\"magic\")").contains("unknown method \"magic\""))
        #expect(s.run("distill(data, ipc=0)").contains("ipc must be at least 1"))
        #expect(s.run("distill(data, ipc=100, iterations=1)").contains("fewer than ipc 100"))
        #expect(s.run("convnet(norm=\"fancy\")").contains("unknown norm \"fancy\""))
        #expect(s.run("evaluate(data, data, runs=0)").contains("runs must be 1 to 1000"))
        #expect(s.run("accuracy(convnet(), data)").contains("untrained"))
        #expect(s.run("train(convnet(), 3)").contains("bad argument #2 to 'train' (dataset, split or synthetic set expected, got number)"))
        #expect(s.run("subset(data, 50)").contains("error:"))
        #expect(s.run("train(convnet(), data, aug=\"blur\")").contains("unknown transform 'blur'"))
    }
}
