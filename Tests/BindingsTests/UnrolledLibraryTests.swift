// experts(), distill(method="mtt"/"dd") and DD's evaluation protocol from the language, on the
// tiny band image folder of DistillLibraryTests.
import Foundation
import Testing

@Suite struct UnrolledLibraryTests {
    let root: String
    init() throws { root = try makeBandFolder() }

    func session() -> Snippet { Snippet.opening(root, then: "net = convnet(width=4, depth=1)") }

    @Test func expertsTrainSaveLoadAndMTT() {
        let s = session()
        let file = root + "/out/bands.ddexperts"
        let out = s.run("""
        ex = experts(data, count=2, epochs=3, batch=8, lr=0.05, model=net, aug="crop_scale", seed=1, file="\(file)")
        print(ex.count, ex.epochs, ex.aug)
        again = experts(data, file="\(file)")
        print(again.count, again.lr)
        syn = distill(data, method="mtt", ipc=1, experts=again, iterations=3, syn_steps=3, expert_epochs=1, max_start_epoch=2, lr=10, lr_lr=0.0001, memory="checkpointed", seed=2)
        print(syn.method, syn.images.shape, len(syn.loss))
        r = evaluate(syn, data, model=net, runs=1, epochs=2, seed=3)
        print(r.runs)
        print(syn.settings)
        """)
        #expect(out.contains("2 3 crop_scale\n2 0.05\nmtt [3, 1, 8, 8] 3\n1\n"), "\(out)")
        // The initial step size is the authors' table's lr_teacher (0.01 at ipc 1), not the
        // experts' training rate (0.05), as distill.py starts syn_lr.
        #expect(out.contains("\"lr_teacher=0.01\""), "\(out)")
        #expect(FileManager.default.fileExists(atPath: file))
        #expect(s.run("experts(data, count=3, file=\"\(file)\")").contains("holds other experts: count 2, not 3"))
        #expect(s.run("distill(data, method=\"mtt\", ipc=1)").contains("needs experts="))
        #expect(s.run("distill(data, method=\"mtt\", ipc=1, experts=ex, max_start_epoch=3, expert_epochs=2)").contains("needs experts of at least 4 epochs"))
        #expect(s.run("distill(data, method=\"mtt\", ipc=1, experts=ex, memory=\"some\")").contains("unknown memory \"some\""))
    }

    @Test func ddDistillAndItsProtocol() {
        let s = session()
        let out = s.run("""
        syn = distill(data, method="dd", ipc=2, steps=2, epochs=2, init="fixed", iterations=3, batch_real=12, model=net, lr_teacher=0.3, seed=4)
        print(syn.method, syn.images.shape, len(syn.loss))
        r = evaluate(syn, data, runs=3, seed=1)
        print(r.runs, r.epochs)
        std = evaluate(syn, data, model=net, runs=2, epochs=2, protocol="standard", seed=1)
        print(std.runs, std.epochs)
        rnd = distill(data, method="dd", ipc=2, steps=1, epochs=1, init="random", iterations=2, batch_real=12, model=net, seed=4)
        print(evaluate(rnd, data, runs=3, seed=1).runs)
        """)
        #expect(out.contains("dd [6, 1, 8, 8] 3\n1 2\n2 2\n3\n"), "\(out)")
        #expect(s.run("distill(data, method=\"dd\", ipc=3, steps=2)").contains("not a multiple of steps"))
        #expect(s.run("distill(data, method=\"dd\", init=\"known\")").contains("unknown init \"known\""))
        #expect(s.run("evaluate(subset(data, 1), data, protocol=\"dd\")").contains("needs a set made by distill(method=\"dd\")"))
        #expect(s.run("evaluate(syn, data, protocol=\"paper\")").contains("unknown protocol \"paper\""))
    }

    @Test func ddDrawsXavierWeightsUnlessTold() throws {
        // LeNet needs 28 x 28 images.
        let s = Snippet()
        s.run("data = dataset(\"\(try makeBandFolder(perClass: 4, testPerClass: 2, size: 28))\")")
        let dd = "distill(data, method=\"dd\", ipc=1, steps=1, epochs=1, init=\"fixed\", iterations=1, batch_real=12, seed=4"
        let settings = s.run("print(\(dd)).settings)")
        #expect(settings.contains("model=LeNet [xavier weights]") && settings.contains("memory=plain"), "\(settings)")
        let plain = s.run("print(\(dd), weights=\"default\").settings)")
        #expect(plain.contains("\"model=LeNet\"") && plain.contains(#"\"weights\":\"default\""#), "\(plain)")
        // A model given without weights= keeps DD's Xavier scheme; weights= on the model or the call decides.
        #expect(s.run("print(\(dd), model=lenet()).settings)").contains("model=LeNet [xavier weights]"))
        #expect(s.run("print(\(dd), model=lenet(weights=\"default\")).settings)").contains("\"model=LeNet\""))
        #expect(s.run("print(\(dd), model=lenet(), weights=\"default\").settings)").contains("\"model=LeNet\""))
        #expect(s.run("print(\(dd), model=lenet(weights=\"xavier\")).settings)").contains("model=LeNet [xavier weights]"))
        // Through a session file too.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("w-\(UUID().uuidString).ddsession").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        s.run("a = lenet()\nb = lenet(weights=\"default\")\nsave(\"\(file)\")\na = 0\nb = 0\nload(\"\(file)\")")
        #expect(s.run("print(\(dd), model=a).settings)").contains("model=LeNet [xavier weights]"))
        #expect(s.run("print(\(dd), model=b).settings)").contains("\"model=LeNet\""))
        #expect(s.run("print(convnet(width=4, weights=\"xavier\"))").contains("[xavier weights]"))
        #expect(s.run("lenet(weights=\"he\")").contains("unknown weights \"he\" (expected one of: default, xavier)"))
        #expect(s.run("\(dd), weights=\"he\")").contains("unknown weights \"he\""))
    }

    @Test func ddUsesAlexCifarNetForColourImages() throws {
        let s = Snippet()
        s.run("data = dataset(\"\(try makeBandFolder(perClass: 4, testPerClass: 2, size: 8, channels: 3))\")")
        let dd = "distill(data, method=\"dd\", ipc=1, steps=1, epochs=1, init=\"fixed\", iterations=1, batch_real=12, seed=4"
        #expect(s.run("print(\(dd)).settings)").contains("model=AlexCifarNet [xavier weights]"))
        #expect(s.run("print(\(dd), weights=\"default\").settings)").contains("\"model=AlexCifarNet\""))
        // Colour images default to checkpointed memory (the real batch in chunks); memory= overrides.
        #expect(s.run("print(\(dd)).settings)").contains("memory=checkpointed"))
        #expect(s.run("print(\(dd), memory=\"plain\").settings)").contains("memory=plain"))
        // Real batches go through the reference's CIFAR-10 train transform unless told.
        #expect(s.run("print(\(dd)).settings)").contains("real_aug=crop_flip"))
        #expect(s.run("print(\(dd), real_aug=\"none\").settings)").contains("real_aug=none"))
        #expect(s.run("\(dd), real_aug=\"jitter\")").contains("unknown real_aug \"jitter\" (expected one of: none, crop_flip)"))
        #expect(s.run("print(alexcifarnet().name, alexcifarnet(weights=\"xavier\").name)") == "AlexCifarNet AlexCifarNet [xavier weights]\n")
        let trained = s.run("net = train(alexcifarnet(), data, epochs=1, batch=6, seed=1)\nprint(net.name, net.parameters)")
        // 8x8 images: 64 x 2 x 2 features into the first linear layer.
        let parameters = 4_864 + 102_464 + (256 * 384 + 384) + 73_920 + (192 * 3 + 3)
        #expect(trained == "AlexCifarNet \(parameters)\n", "\(trained)")
        // Saved and loaded: the layers (local response norm's constants, padded pools) rebuild
        // equal, and the weights predict the same.
        let path = try temporaryFolder() + "/alex.ddsession"
        #expect(s.run("save(\"\(path)\")") == "")
        let b = Snippet()
        #expect(b.run("load(\"\(path)\")") == "")
        #expect(b.run("print(accuracy(net, data), net.name)") == s.run("print(accuracy(net, data), net.name)"))
        // A one-channel test set does not fit the three-channel network.
        s.run("grey = dataset(\"\(try makeBandFolder(perClass: 2, testPerClass: 2, size: 8))\")")
        #expect(s.run("accuracy(net, grey)").contains("images are 1x8x8 but the model expects 3x8x8"))
        #expect(s.run("alexcifarnet(weights=\"he\")").contains("unknown weights \"he\""))
    }

    @Test func expertsInSessionFiles() throws {
        let folder = try temporaryFolder()
        let file = folder + "/kept.ddexperts"
        let a = session()
        let made = a.run("""
        loose = experts(data, count=1, epochs=2, batch=8, lr=0.05, model=net, seed=1)
        kept = experts(data, count=2, epochs=2, batch=8, lr=0.05, model=net, seed=2, file="\(file)")
        def mtt(ex) return distill(data, method="mtt", ipc=1, experts=ex, iterations=2, syn_steps=2, expert_epochs=1, max_start_epoch=1, lr=10, seed=3).loss end
        print(mtt(loose), mtt(kept))
        save("\(folder)/s.ddsession")
        """)
        #expect(!made.contains("error"), "\(made)")
        let b = Snippet()
        #expect(b.run("load(\"\(folder)/s.ddsession\")") == "")
        #expect(b.run("print(mtt(loose), mtt(kept))") == made)
        #expect(b.run("print(loose.count, kept.count, kept.file)") == "1 2 \(file)\n")
        // Kept by reference: the session does not copy the file's snapshots, and needs the file.
        try FileManager.default.removeItem(atPath: file)
        let c = Snippet()
        #expect(c.run("load(\"\(folder)/s.ddsession\")").contains("'kept' refers to the experts file '\(file)', which can no longer be read"))
        #expect(c.run("load(\"\(folder)/s.ddsession\", skip_missing=true)\nprint(loose.count, defined(\"kept\"))").hasSuffix("1 false\n"))
    }
}
