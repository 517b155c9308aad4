// zca(...) from the language: whitened data sets distil, train and evaluate in their own space,
// pictures undo the whitening, session files re-fit it, and mixing spaces is an error. Also
// resume= inheriting the settings of MTT and DD runs.
import Foundation
import ImageIO
import Testing

@Suite struct ZCALibraryTests {
    let root: String
    init() throws { root = try makeBandFolder() }

    func session() -> Snippet { Snippet.opening(root, then: "white = zca(data)") }

    @Test func whitenedDataSetAndItsErrors() {
        let s = session()
        let out = s.run("print(white)\nprint(white.zca, data.zca)\nprint(white.train.images.shape)")
        #expect(out.contains("ZCA-whitened (eps 0.1, fitted on train)"), "\(out)")
        #expect(out.contains("0.1 none\n[24, 1, 8, 8]\n"), "\(out)")
        #expect(s.run("zca(white)").contains("is already whitened"))
        #expect(s.run("zca(data, eps=0)").contains("eps must be positive, got 0"))
        #expect(s.run("zca(data.train)").contains("dataset expected, got split"))
        #expect(s.run("distill(white, method=\"idc\", ipc=1, iterations=1)").contains("works in pixel space"))
        let syn = s.run("syn = distill(white, method=\"dm\", ipc=1, iterations=2, model=convnet(width=4, depth=1), seed=1)\nprint(evaluate(syn, white, model=convnet(width=4, depth=1), runs=1, epochs=2, seed=1).runs)")
        #expect(syn == "1\n", "\(syn)")
        #expect(s.run("evaluate(syn, data, runs=1, epochs=1)").contains("the set is ZCA-whitened but the data set is not"))
        #expect(s.run("evaluate(subset(data, 1), white, runs=1, epochs=1)").contains("the data set is ZCA-whitened but the set is not"))
        #expect(s.run("distill(data, resume=syn, iterations=3)").contains("distilled from ZCA-whitened data"))
    }

    @Test func picturesUndoTheWhitening() throws {
        let s = session()
        let folder = try temporaryFolder()
        s.run("grid(data, \"\(folder)/plain.png\")\ngrid(white, \"\(folder)/white.png\")")
        let plain = try PNGImage.read(path: "\(folder)/plain.png"), white = try PNGImage.read(path: "\(folder)/white.png")
        #expect(plain.width == white.width && plain.height == white.height)
        let worst = zip(plain.pixels, white.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 99
        #expect(worst <= 1, "largest byte difference \(worst)")
    }

    @Test func sessionFilesFitTheWhiteningAgain() throws {
        let path = try temporaryFolder() + "/z.session"
        let a = session()
        a.run("syn = distill(white, method=\"dm\", ipc=1, iterations=2, model=convnet(width=4, depth=1), seed=1)\nfew = subset(white, 2, seed=3)")
        #expect(a.run("save(\"\(path)\")") == "")
        let b = Snippet()
        #expect(b.run("load(\"\(path)\")") == "")
        #expect(b.run("print(white.zca)") == "0.1\n")
        // The transform is fitted again on load: equal up to rounding (OpenBLAS may split the
        // small products differently when another test changes its thread count meanwhile).
        for e in ["white.test.images", "few.images", "white.train.images[0]"] {
            guard let x = a.tensorValue(e), let y = b.tensorValue(e) else { Issue.record("\(e) is not a tensor"); continue }
            #expect(x.shape == y.shape)
            let worst = zip(x.data, y.data).map { abs($0 - $1) }.max() ?? 1
            #expect(worst < 1e-3, "\(e): largest difference \(worst)")
        }
        #expect(b.run("print(syn)").contains("+zca: 1 per class"), "\(b.run("print(syn)"))")
        #expect(b.run("evaluate(syn, data, runs=1, epochs=1)").contains("the set is ZCA-whitened"))
    }

    @Test func resumeTakesMTTAndDDSettingsFromTheSet() {
        let s = Snippet()
        s.run("data = dataset(\"\(root)\")\nnet = convnet(width=4, depth=1)")
        let out = s.run("""
        a = distill(data, method="dd", ipc=2, steps=2, epochs=1, init="fixed", iterations=2, batch_real=12, model=net, lr_teacher=0.3, decay_every=7, seed=4)
        b = distill(data, resume=a, iterations=3)
        c = distill(data, method="dd", ipc=2, steps=2, epochs=1, init="fixed", iterations=3, batch_real=12, model=net, lr_teacher=0.3, decay_every=7, seed=4)
        print(b.loss == c.loss, sum(b.images) == sum(c.images), len(b.loss))
        ex = experts(data, count=1, epochs=3, batch=8, lr=0.05, model=net, aug="crop_scale", seed=1)
        m = distill(data, method="mtt", ipc=1, experts=ex, iterations=1, syn_steps=2, expert_epochs=1, max_start_epoch=2, lr=10, seed=2)
        m2 = distill(data, resume=m, experts=ex, iterations=2)
        m3 = distill(data, method="mtt", ipc=1, experts=ex, iterations=2, syn_steps=2, expert_epochs=1, max_start_epoch=2, lr=10, seed=2)
        print(m2.loss == m3.loss, sum(m2.images) == sum(m3.images))
        """)
        #expect(out == "true true 3\ntrue true\n", "\(out)")
        #expect(s.run("distill(data, resume=a, iterations=4, steps=1)").contains("steps"))
    }
}
