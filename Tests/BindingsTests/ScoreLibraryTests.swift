// score(set, data): the measures from the language, the full-data accuracy cached by content
// (and never taken from a cache that does not fit), and the bad-input paths.
import Foundation
import Testing

@Suite struct ScoreLibraryTests {
    let root: String
    init() throws { root = try makeBandFolder() }

    static let quick = "model=convnet(width=4, depth=1), epochs=2, full_epochs=1"

    @Test func measuresAndTheirParts() throws {
        let folder = try temporaryFolder()
        let s = Snippet.opening(root, then: "syn = distill(data, method=\"dm\", ipc=2, iterations=2, model=convnet(width=4, depth=1), seed=1)")
        let out = s.run("""
            r = score(syn, data, runs=2, \(Self.quick), cache="\(folder)/c.json", seed=3)
            print(r)
            print(r.protocol, r.runs, len(r.set), len(r.random_plain))
            print(abs(r.hlr - (r.full - (r.set[0] + r.set[1]) / 2)) < 1e-6, abs(r.ior - ((r.set[0] - r.random[0]) + (r.set[1] - r.random[1])) / 2) < 1e-6)
            print(r.lrs >= 0 and r.lrs <= 1, r.ars >= 0 and r.ars <= 1)
            """)
        #expect(out.contains("score: training ConvNet"), "\(out)")
        #expect(out.contains("score (2 runs, protocol dm):") && out.contains("HLR ") && out.contains("LRS "), "\(out)")
        #expect(out.hasSuffix("dm 2 2 2\ntrue true\ntrue true\n"), "\(out)")
        // The second call takes the full-data accuracy from the cache, and gives the same numbers.
        let again = s.run("q = score(syn, data, runs=2, \(Self.quick), cache=\"\(folder)/c.json\", seed=3)\nprint(q.full == r.full, q.lrs == r.lrs, q.set == r.set)")
        #expect(again.contains("from \(folder)/c.json") && again.hasSuffix("true true true\n"), "\(again)")
        // Another model is another key: trained again.
        let other = s.run("score(syn, data, runs=1, model=convnet(width=6, depth=1), epochs=2, full_epochs=1, cache=\"\(folder)/c.json\", seed=3)")
        #expect(other.contains("score: training ConvNet"), "\(other)")
    }

    @Test func givenFullAccuracyAndSubsets() throws {
        let s = Snippet.opening(root, then: "few = subset(data, 2, seed=1)")
        let out = s.run("r = score(few, data, runs=1, model=convnet(width=4, depth=1), epochs=2, full=0.9, seed=1)\nprint(r.full, r.protocol)")
        #expect(out.hasSuffix("0.9 dc\n") && !out.contains("training"), "\(out)")
    }

    @Test func damagedCacheIsNeitherUsedNorReplaced() throws {
        let folder = try temporaryFolder()
        try Data("not json".utf8).write(to: URL(fileURLWithPath: "\(folder)/c.json"))
        let s = Snippet.opening(root, then: "few = subset(data, 1, seed=1)")
        let out = s.run("score(few, data, runs=1, \(Self.quick), cache=\"\(folder)/c.json\")")
        #expect(out.contains("warning: score: the cache \(folder)/c.json is neither used nor replaced (not a score cache)"), "\(out)")
        #expect(try String(contentsOfFile: "\(folder)/c.json", encoding: .utf8) == "not json")
    }

    @Test func badInput() throws {
        let s = Snippet.opening(root, then: "few = subset(data, 2, seed=1)\nmany = subset(data, 8, seed=1)")
        #expect(s.run("score(few, data, protocol=\"fair\", full=0.9)").contains("unknown protocol \"fair\""))
        #expect(s.run("score(few, data, protocol=\"dd\", full=0.9)").contains("DD's protocol replays learned steps"))
        #expect(s.run("score(few, data, full=1.5)").contains("full must be an accuracy in (0, 1], got 1.5"))
        #expect(s.run("score(few, data, runs=0, full=0.9)").contains("runs must be 1 to 1000, got 0"))
        #expect(s.run("score(few, data, aug=\"none\", full=0.9)").contains("aug cannot be \"none\""))
        #expect(s.run("score(few, data, full_epochs=0)").contains("full_epochs must be 1 to 10000, got 0"))
        #expect(s.run("score(few, zca(data), full=0.9)").contains("ZCA-whitened"))
        #expect(s.run("score(few, data, full=0.9, runs=1, epochs=1, model=lenet())").contains("lenet: input 8x8 is too small"))
    }
}

/// `validation=N` and learning-rate sweeps chosen on it, never on the test split.
@Suite struct ValidationLibraryTests {
    let root: String
    init() throws { root = try makeBandFolder() }

    static let net = "model=convnet(width=4, depth=1), epochs=3"

    @Test func sweepChoosesOnValidation() throws {
        let s = Snippet.opening(root, then: "few = subset(data, 2, seed=1)")
        let out = s.run("""
            r = evaluate(few, data, runs=2, \(Self.net), lr=[0.0001, 0.05], validation=3, seed=2)
            print(r)
            print(len(r.validation), r.lr)
            a = evaluate(few, data, runs=2, \(Self.net), lr=r.lr, validation=3, seed=2)
            print(a.accuracies == r.accuracies, a.validation == r.validation)
            """)
        // The chosen rate's runs are exactly what a plain call with that rate gives.
        #expect(out.contains("chosen on validation from 0.0001, 0.05") && out.contains("; validation "), "\(out)")
        #expect(out.hasSuffix("true true\n") && (out.contains("2 0.05\n") || out.contains("2 0.0001\n")), "\(out)")
    }

    @Test func badInput() throws {
        let s = Snippet.opening(root, then: "few = subset(data, 2, seed=1)")
        #expect(s.run("evaluate(few, data, lr=[0.01, 0.1])").contains("needs held-out real images (HINT: add validation=N"))
        #expect(s.run("evaluate(few, data, lr=[0.01, -1], validation=2)").contains("learning rates must be positive numbers"))
        #expect(s.run("evaluate(few, data, lr=[], validation=2)").contains("a learning-rate sweep takes 1 to 20 rates, got 0"))
        #expect(s.run("evaluate(few, data, validation=9)").contains("validation must be 1 to 8 (the images of the smallest class in the train split), got 9"))
        #expect(s.run("evaluate(few, data, lr=[0.01], validation=1, checkpoint=\"x.ckpt\")").contains("does not combine with a learning-rate sweep"))
        #expect(s.run("train(convnet(width=4, depth=1), few, lr=[0.1])").contains("error:"))
    }
}

/// `evaluate(..., models=[...])`: one protocol over several architectures, as a table.
@Suite struct CrossArchitectureLibraryTests {
    let root: String
    init() throws { root = try makeBandFolder() }

    @Test func tableOfModels() throws {
        let s = Snippet.opening(root, then: "few = subset(data, 2, seed=1)")
        let out = s.run("""
            t = evaluate(few, data, models=[convnet(width=4, depth=1), mlp(), convnet(width=4, depth=1, norm="batch")], runs=1, epochs=2, seed=3)
            print(t)
            print(len(t), t.models)
            one = evaluate(few, data, model=mlp(), runs=1, epochs=2, seed=3)
            print(t.rows[1][1] == one.mean, t.results[1].protocol)
            """)
        #expect(out.contains("| model | test accuracy % | runs | protocol, epochs |") && out.contains("| MLP | "), "\(out)")
        #expect(out.contains("3 [\"ConvNet-D1W4\", \"MLP\", \"ConvNet-D1W4\"]") && out.hasSuffix("true dc\n"), "\(out)")
    }

    /// DC's get_daparam gives ConvNetBN crop_noise, so "dc" trains it 1000 epochs, not 300.
    @Test func batchNormConvNetGetsCropNoiseUnderDC() throws {
        let s = Snippet.opening(root, then: "few = subset(data, 1, seed=1)")
        let out = s.run("print(evaluate(few, data, model=convnet(width=2, depth=1, norm=\"batch\"), runs=1, seed=1).epochs, evaluate(few, data, model=convnet(width=2, depth=1), runs=1, seed=1).epochs)")
        #expect(out.hasSuffix("1000 300\n"), "\(out)")
    }

    @Test func badInput() throws {
        let s = Snippet.opening(root, then: "few = subset(data, 2, seed=1)")
        #expect(s.run("evaluate(few, data, models=[1])").contains("models[0] is number, not a model"))
        #expect(s.run("evaluate(few, data, models=[])").contains("models takes 1 to 20 models, got 0"))
        #expect(s.run("evaluate(few, data, models=[mlp()], model=mlp())").contains("model= does not combine with models="))
        #expect(s.run("evaluate(few, data, models=[mlp(), lenet()], runs=1, epochs=1)").contains("lenet: input 8x8 is too small"))
        #expect(s.run("evaluate(few, data, models=[vgg11()], runs=1, epochs=1)").contains("vgg11: input 8x8 is too small"))
        #expect(s.run("vgg11(norm=\"layer\")").contains("vgg11 takes norm \"instance\" or \"batch\""))
    }
}
