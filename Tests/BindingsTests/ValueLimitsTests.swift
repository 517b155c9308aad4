// Values at the language's limits through whole sessions: the deepest list saves and loads, a
// session file nesting deeper is a clear error (not a crash or an encoder dump), and numbers
// that come from Float32 print in the shortest form that reads back as the same Float.
import Bindings
import Foundation
import Persistence
import Script
import Testing

@Suite struct ValueLimitsTests {
    let folder: String
    init() throws { folder = try temporaryFolder() }

    @Test func theDeepestListSavesAndLoads() {
        let s = Snippet()
        let out = s.run("""
        x = 1
        for i in range(100) x = [x] end
        save("\(folder)/deep.ddsession")
        y = x
        x = 0
        load("\(folder)/deep.ddsession")
        print(x == y, len(str(x)))
        """)
        #expect(out.hasSuffix("true 201\n"), "\(out)")
    }

    /// A session file whose variable `x` is a list nested `levels` deep.
    func writeNested(_ levels: Int, to path: String) throws {
        var value = JSONValue.object(["type": .string("number"), "value": .double(1)])
        for _ in 0..<levels { value = .object(["type": .string("list"), "value": .array([value])]) }
        let manifest = JSONValue.object([
            "seed": .string("1"), "seedDraws": .string("0"), "history": .array([]),
            "variables": .array([.object(["name": .string("x"), "value": value])]),
        ])
        try ArchiveFile.write(manifest, kind: "session", blobs: BlobTable(), to: path)
    }

    @Test func aSessionFileNestingDeeperIsAClearError() throws {
        try writeNested(100, to: "\(folder)/ok.ddsession")
        #expect(Snippet().run("load(\"\(folder)/ok.ddsession\")\nprint(len(str(x)))") == "201\n")
        try writeNested(101, to: "\(folder)/deeper.ddsession")
        let message = failure("load(\"\(folder)/deeper.ddsession\")")
        #expect(message.contains("nests lists more than 100 levels deep"), "\(message)")
        // Checked on the way down: twice as deep is the same short error, naming where.
        try writeNested(200, to: "\(folder)/far.ddsession")
        let far = failure("load(\"\(folder)/far.ddsession\")")
        #expect(far.contains("far.ddsession") && far.contains("'x[0][0]") && far.count < 1500, "\(far)")
    }

    @Test func float32ResultsPrintShortest() throws {
        let root = try makeBandFolder()
        let s = Snippet()
        let out = s.run("""
        data = dataset("\(root)")
        net = train(convnet(width=4, depth=1), data, epochs=2, seed=1)
        r = evaluate(data.train, data, model=convnet(width=4, depth=1), runs=3, epochs=1, seed=3)
        print(r.mean, r.std, accuracy(net, data))
        print(r.accuracies, net.loss, data.mean, data.std)
        """)
        let numbers = out.split(whereSeparator: { " \n[],".contains($0) }).map(String.init)
        #expect(numbers.count == 10, "\(out)")
        for text in numbers {
            // Each is the Float's own shortest text, not a Double's 17 digits.
            #expect(Float(text).map { $0.description == text || Int(text) != nil } == true, "\(text) in \(out)")
        }
    }
}

extension ValueLimitsTests {
    @Test func functionsNestedThroughDefaultsAreLeftOutOfASaveWithAReason() {
        let s = Snippet()
        // A chain of 1,000 functions, each the default value of the next: saving it used to
        // overflow the stack (a crash) or, at 300, print the JSON encoder's dump of the session.
        let out = s.run("""
        def mk(p)
          def f(x=p) return x end
          return f
        end
        g = none
        for i in range(1000) g = mk(g) end
        h = none
        for i in range(50) h = mk(h) end
        save("\(folder)/f.ddsession")
        g = 1
        h = 2
        load("\(folder)/f.ddsession")
        print(g, type(h), type(h()))
        """)
        #expect(out.contains("'g' is nested more than 100 levels deep"), "\(out.prefix(500))")
        #expect(out.count < 400, "\(out.prefix(500))")
        #expect(out.hasSuffix("1 function function\n"), "\(out.suffix(300))")
    }
}
