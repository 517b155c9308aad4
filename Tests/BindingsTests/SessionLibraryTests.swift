// save/load of whole sessions: every kind of value comes back (tensors and weights to the bit),
// the seed sequence goes on where it was, the history returns; data sets are re-opened by
// reference, and a missing one, a damaged file or an unwritable place is a clear error that
// leaves the session in memory and the previous file as they were.
import Bindings
import Persistence
import Foundation
import Script
import TensorCore
import Testing

@Suite struct SessionLibraryTests {
    let root: String
    let folder: String
    init() throws {
        root = try makeBandFolder()
        folder = try temporaryFolder()
    }

    /// The bits of a tensor expression's values.
    func tensorBits(_ s: Snippet, _ expression: String) -> [UInt32] {
        s.run("__t = \(expression)")
        return s.tensor("__t")?.data.map(\.bitPattern) ?? [1, 2, 3]
    }

    @Test func everyKindOfValueComesBack() throws {
        let a = Snippet()
        let setup = """
        data = dataset("\(root)")
        seed(42)
        n = 3.25
        big = 1e300
        neg = -0.0
        inf = 1e308 * 1e10
        s = "ünïcode \\"quoted\\"\\nline"
        flags = [true, false, none]
        nested = [1, [2, "x", [data.classes]], []]
        t = randn([2, 3])
        scalar = tensor(7)
        empty = zeros([0, 3])
        x = 10; def scale(v, k=t, name="s") return v * k end; y = 2
        def twice(f, v) return f(f(v)) end
        f = len
        tr = data.train
        few = subset(data, 2, seed=1)
        net = convnet(width=4, depth=1)
        trained = train(net, few, epochs=2, seed=3)
        syn = distill(data, ipc=1, iterations=2, batch_real=4, model=net, seed=5)
        r = evaluate(syn, data, model=net, runs=1, epochs=2, seed=6)
        fns = [scale, f]
        """
        #expect(!a.run(setup).contains("error"), "\(a.run(""))")
        let path = folder + "/all.ddsession"
        #expect(a.run("save(\"\(path)\")") == "")
        let probe = """
        print(n, big, neg, inf, s, flags, nested)
        print(t.shape, scalar, empty.shape, x, y, f([1, 2]), twice(abs, -2))
        print(scale(2, 3), scale(1).shape, scale)
        print(data)
        print(tr)
        print(few, few.labels)
        print(net, trained)
        print(trained.loss, trained.train_accuracy, accuracy(trained, data))
        print(syn, syn.labels, syn.loss, syn.settings)
        print(r, r.accuracies)
        print(fns[0](1, 2), fns[1]("ab"))
        print(rand([3]))
        """
        let expected = a.run(probe)
        let b = Snippet()
        #expect(b.run("load(\"\(path)\")") == "")
        #expect(b.run(probe) == expected)
        #expect(!expected.contains("error"), "\(expected)")
        for e in ["t", "scalar", "few.images", "syn.images", "tr.images"] {
            #expect(tensorBits(a, e) == tensorBits(b, e), "\(e)")
        }
        // Trained weights: identical predictions on every test image.
        let logits = "trained_logits = accuracy(trained, data.train)"
        #expect(a.run("print(\(logits))") == b.run("print(\(logits))"))
        #expect(b.session.seed == 42)
    }

    @Test func theSeedSequenceAndHistoryGoOn() throws {
        let a = Snippet()
        a.run("seed(9)\nfirst = rand([2])")
        a.session.history = [Session.Cell(code: "seed(9)", output: ""), Session.Cell(code: "first = rand([2])", output: "")]
        let path = folder + "/seed.ddsession"
        a.run("save(\"\(path)\")")
        let next = a.run("print(rand([4]))")
        let b = Snippet()
        b.run("load(\"\(path)\")")
        #expect(b.run("print(rand([4]))") == next)
        #expect(b.session.history.map(\.code) == ["seed(9)", "first = rand([2])"])
        #expect(b.session.seedDraws == a.session.seedDraws)
    }

    @Test func aMissingDataSetIsAClearErrorUnlessSkipped() throws {
        let own = try makeBandFolder()
        let a = Snippet()
        a.run("data = dataset(\"\(own)\")\nsplit = data.test\nkeep = [1, 2]")
        let path = folder + "/gone.ddsession"
        a.run("save(\"\(path)\")")
        try FileManager.default.removeItem(atPath: own)
        let b = Snippet()
        b.run("keep = 5")
        let out = b.run("load(\"\(path)\")")
        #expect(out.contains("error: session file '\(path)': 'data' uses the data set '"), "\(out)")
        #expect(out.contains("which can no longer be opened from '\(own)'"), "\(out)")
        #expect(b.run("print(keep)") == "5\n", "nothing changed")
        let skipped = b.run("load(\"\(path)\", skip_missing=true)")
        #expect(skipped.contains("load: left out 'data'") && skipped.contains("load: left out 'split'"), "\(skipped)")
        #expect(b.run("print(keep, defined(\"data\"))") == "[1, 2] false\n")
    }

    @Test func badFilesChangeNothing() throws {
        let a = Snippet()
        a.run("t = ones([4])\nname = \"a\"")
        let path = folder + "/s.ddsession"
        a.run("save(\"\(path)\")")
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        let b = Snippet()
        b.run("t = 5")
        func attempt(_ bytes: [UInt8]) -> String {
            let bad = folder + "/bad.ddsession"
            FileManager.default.createFile(atPath: bad, contents: Data(bytes))
            return b.run("load(\"\(bad)\")")
        }
        var flipped = [UInt8](good)
        flipped[flipped.count - 3] ^= 0x40
        #expect(attempt(flipped).contains("the data of 't' is damaged (CRC-32 mismatch)"))
        #expect(attempt(Array(good.prefix(good.count - 5))).contains("truncated"))
        #expect(attempt(Array("not a session".utf8)).contains("not a Distillery session file (wrong magic bytes)"))
        var newer = [UInt8](good)
        newer[8] = 9
        #expect(attempt(newer).contains("written by a newer Distillery (format version 9"))
        #expect(b.run("load(\"\(folder)/none.ddsession\")").contains("no such file"))
        #expect(b.run("print(t)") == "5\n")
        // Saving where it cannot be written: an error, the old file and the session unharmed.
        // A missing folder is made (as grid and checkpoints do); a file in its place is an error.
        #expect(b.run("save(\"\(folder)/made/here/s.ddsession\")") == "")
        #expect(FileManager.default.fileExists(atPath: "\(folder)/made/here/s.ddsession"))
        FileManager.default.createFile(atPath: "\(folder)/plain", contents: Data("x".utf8))
        #expect(b.run("save(\"\(folder)/plain/s.ddsession\")").contains("error: cannot write session file"))
        #expect(b.run("save(\"/sys/s.ddsession\")").contains("error: cannot write session file '/sys/s.ddsession'"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == good)
        #expect(b.run("t = t + 1\nprint(t)") == "6\n")
    }

    /// Found with the session fuzz harness (docs/fuzzing.md): extents whose product overflows trapped.
    @Test func aShapeTooLargeToCountIsADamagedFile() throws {
        let path = folder + "/s.ddsession"
        Snippet().run("t = ones([4])\nsave(\"\(path)\")")
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let huge = rewritingManifest(good) { $0.replacingOccurrences(of: "\"shape\":[4]", with: "\"shape\":[4294967296,4294967296,4]") }
        #expect(huge != good)
        FileManager.default.createFile(atPath: path, contents: Data(huge))
        #expect(Snippet().run("load(\"\(path)\")").contains("'t' has 4 values for shape [4294967296, 4294967296, 4]"))
    }

    /// A session file whose manifest text was changed by `edit`, with its length and CRC made right.
    func rewritingManifest(_ file: [UInt8], _ edit: (String) -> String) -> [UInt8] {
        let length = (12..<20).reversed().reduce(0) { $0 << 8 | Int(file[$1]) }
        let manifest = Array(edit(String(decoding: file[24..<(24 + length)], as: UTF8.self)).utf8)
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        return Array(file[0..<12]) + le(UInt64(manifest.count)) + le(CRC32.checksum(manifest)) + manifest + Array(file[(24 + length)...])
    }

    @Test func methodsAreLeftOutWithANote() throws {
        let a = Snippet()
        a.run("t = ones([2])\nm = t.sum\nok = 1")
        let path = folder + "/m.ddsession"
        #expect(a.run("save(\"\(path)\")").hasPrefix("save: left out 'm': <builtin"))
        let b = Snippet()
        b.run("load(\"\(path)\")")
        #expect(b.run("print(ok, defined(\"m\"))") == "1 false\n")
    }
}
