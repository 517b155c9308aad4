// Fuzz target `export`: exported sets (.safetensors or .npz, chosen by the flag byte) through
// ExportedSet.read. A set that reads must write in the same format and read back the same.
import Datasets
import Exchange
import Foundation
import TensorCore

enum ExportHarness {
    static let target = FuzzTarget(
        name: "export", summary: "exported sets (.safetensors, .npz), round trip", maxLength: 8192, run: run, seeds: seeds)

    static let extensions = ["safetensors", "npz"]

    /// Input: a flag byte (bit 0: .npz, else .safetensors), then the file.
    static func run(_ input: [UInt8]) {
        guard let flag = input.first else { return }
        let ext = extensions[Int(flag & 1)]
        let path = ScratchFile.write(Array(input.dropFirst()), name: "in." + ext)
        let set: ExportedSet
        do {
            set = try ExportedSet.read(path)
        } catch {
            FuzzTarget.requireMessage(error, "export")
            return
        }
        do {
            let again = ScratchFile.folder + "/again." + ext
            try set.write(to: again)
            let back = try ExportedSet.read(again)
            FuzzTarget.require(back.metadata == set.metadata && back.labels == set.labels && back.whitening == set.whitening
                                   && back.images.shape == set.images.shape
                                   && zip(back.images.data, set.images.data).allSatisfy { $0.bitPattern == $1.bitPattern },
                               "export: a set that reads does not survive writing and reading again")
        } catch {
            FuzzTarget.require(false, "export: a set that reads does not write and read again: \(error)")
        }
    }

    /// Small sets written by the program: plain and whitened, with and without a method.
    static func seeds() -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        for (whitened, method) in [(false, nil), (true, "mtt"), (false, "dm")] as [(Bool, String?)] {
            let pixels = Tensor(unchecked: [4, 1, 2, 2], data: (0..<16).map { Float(($0 * 37) % 256) / 255 })
            let norm = Normalization(mean: [0.5], std: [0.25])
            var meta = ExportMetadata(distillery: "fuzz", dataset: "tiny", classes: ["a", "b"], imageShape: [1, 2, 2], count: 4,
                                      normalization: norm, evaluationProtocol: method ?? "dc")
            meta.method = method
            if method == "mtt" { meta.learnedStepSize = 0.01 }
            var zca: ZCA?
            var images = try! norm.normalized(pixels)
            if whitened {
                zca = try! ZCA.fit(pixels, eps: 0.1)
                images = try! zca!.whiten(pixels)
                meta.zcaEps = 0.1
            }
            let set = try! ExportedSet(metadata: meta, images: images, labels: [0, 1, 0, 1], whitening: zca)
            for (k, ext) in extensions.enumerated() {
                let path = ScratchFile.folder + "/seed." + ext
                try! set.write(to: path)
                let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
                out.append(("\(method ?? "real")-\(whitened ? "zca" : "plain").\(ext)", [UInt8(k)] + bytes))
            }
        }
        return out
    }
}
