// Fuzz target `session`: session files through Persistence's reader and Bindings' session
// decoder (`load`). A session that loads must print, save and load again.
import Bindings
import Foundation
import ImageIO
import Script

enum SessionHarness {
    static let target = FuzzTarget(
        name: "session", summary: "session files: ArchiveFile and the session decoder, round trip",
        maxLength: 4096, run: run, seeds: seeds)

    static let registry = BuiltinRegistry.standard()

    static func run(_ input: [UInt8]) {
        let path = ScratchFile.write(ArchiveFixup.file(from: input), name: "in.ddsession")
        let session = Session(registry: registry)
        do {
            try session.load(from: path, skipMissingData: input.first.map { $0 & 4 != 0 } ?? false)
        } catch {
            FuzzTarget.requireMessage(error, "session")
            return
        }
        for name in session.variableNames { _ = session.globals.get(name)?.description }
        let again = ScratchFile.folder + "/again.ddsession"
        do {
            try session.save(to: again)
            try Session(registry: registry).load(from: again)
        } catch {
            FuzzTarget.require(false, "session: a loaded session does not save and load again: \(error)")
        }
    }

    static let seedScripts = [
        "x = 1\ns = \"text\"\nl = [1, [2, \"b\"], none, true, -0.5, 1e300]\n",
        "def f(a, b=[1, 2]) return a + b end\ng = print\nh = f\n",
        "t = tensor([[1, 2], [3, 4]])\nu = zeros([0, 3])\n",
        "m = mlp()\nc = convnet(width=4, depth=1)\n",
        "seed(7)\nr = rand([3])\n",
    ]

    /// A tiny image-folder data set in the scratch folder (two classes of 4x4 grey images), so
    /// a seed can hold a synthetic set with its run state (format 2) by reference to it.
    static func bandFolder() -> String {
        let root = ScratchFile.folder + "/bands"
        for split in ["train", "test"] {
            for c in 0..<2 {
                let dir = "\(root)/\(split)/band\(c)"
                try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                for i in 0..<3 {
                    let pixels = (0..<16).map { UInt8(($0 / 8 == c ? 200 : 30) + i * 5) }
                    try? PNGImage(width: 4, height: 4, channels: 1, pixels: pixels).write(to: "\(dir)/\(i).png")
                }
            }
        }
        return root
    }

    static func seeds() -> [(String, [UInt8])] {
        let runs = "d = dataset(\"\(bandFolder())\")\nsyn = distill(d, ipc=1, iterations=2, batch_real=2, model=mlp(), seed=1)\n"
        return (seedScripts + [runs]).enumerated().flatMap { i, code -> [(String, [UInt8])] in
            let session = Session(registry: registry)
            session.output = CappedOutput()
            let path = ScratchFile.folder + "/seed.ddsession"
            do {
                try session.run(SourceText(name: "seed", text: code))
                try session.save(to: path)
            } catch { fatalError("session seed \(i): \(error)") }
            return ArchiveFixup.seeds("session\(i)", [UInt8](FileManager.default.contents(atPath: path)!))
        }
    }
}
