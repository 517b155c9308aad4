// Names a user takes from the field: `ipc=` wherever a builtin means images per class, and
// "dsa" as the papers' default augmentation strategy, in every builtin that takes `aug`.
import Bindings
import Foundation
import Script
import Testing

@Suite struct ArgumentNamesTests {
    let root: String
    let folder: String
    init() throws {
        root = try makeBandFolder()
        folder = try temporaryFolder()
    }

    @Test func ipcMeansImagesPerClassEverywhere() {
        let s = Snippet()
        let out = s.run("""
        data = dataset("\(root)")
        print(len(subset(data, ipc=2, seed=1)), len(select(data, ipc=3, method="random", seed=1)))
        print(len(subset(data, per_class=2, seed=1)) == len(subset(data, ipc=2, seed=1)))
        syn = distill(data, per_class=1, iterations=2, seed=1)
        print(syn.ipc)
        grid(data.train, "\(folder)/g.png", ipc=2)
        """)
        #expect(out.hasPrefix("6 9\ntrue\n"), "\(out)")
        #expect(out.contains("\n1\n"), "\(out)")
        #expect(FileManager.default.fileExists(atPath: "\(folder)/g.png"))
        #expect(failure("data = dataset(\"\(root)\")\nselect(data, per_class=2, ipc=3)")
            == "argument 'per_class' to 'select' given twice (as 'per_class' and as 'ipc', two names for it); give one")
        #expect(failure("data = dataset(\"\(root)\")\nsubset(data, 2, ipc=3)")
            == "argument 'ipc' to 'subset' given twice (by position and by name)")
    }

    @Test func dsaNamesThePapersDefaultStrategy() {
        let s = Snippet()
        let out = s.run("""
        data = dataset("\(root)")
        net = train(convnet(width=4, depth=1), data, epochs=1, aug="dsa", seed=1)
        r = evaluate(data.train, data, model=convnet(width=4, depth=1), runs=1, epochs=1, aug="DSA", seed=1)
        syn = distill(data, method="dsa", ipc=1, iterations=1, aug="dsa", seed=1)
        print(type(net), type(r), type(syn))
        """)
        #expect(out.hasSuffix("model result synthetic\n"), "\(out)")
        // Still a precise error for what is no strategy.
        #expect(failure("data = dataset(\"\(root)\")\ntrain(convnet(), data, aug=\"dsaa\")").contains("unknown transform 'dsaa'"))
    }
}
