// The accuracy of a network trained on a whole train split, for `score`: given (`full=`), or
// read from the cache file, or trained once and written there. The cache key names everything
// the number depends on: the data set's content (CRC-32 of its train and test images and
// labels), the model, the recipe and the seed, so a changed data set never reuses a stale value.
import Datasets
import Foundation
import NeuralNet
import Persistence
import Script
import TensorCore

/// One cached full-data accuracy.
struct FullAccuracyEntry: Codable, Equatable {
    var accuracy: Float
    var dataset: String
    var model: String
    var epochs: Int
    var seed: UInt64
}

extension DistillLibrary {
    static let defaultScoreCache = "~/.cache/distill/full-accuracy.json"

    static func fullAccuracy(_ args: Arguments, dataset: Dataset, spec: ModelSpec, context: CallContext) throws -> Float {
        if args.isGiven("full") {
            let v = try args.number("full")
            guard v > 0, v <= 1 else { throw args.error(args.index("full"), "full must be an accuracy in (0, 1], got \(v)") }
            return Float(v)
        }
        let epochs = try args.integer("full_epochs")
        guard epochs >= 1 && epochs <= 10_000 else { throw args.error(args.index("full_epochs"), "full_epochs must be 1 to 10000, got \(epochs)") }
        let seed = try context.seed(args)
        let path = ((args.isGiven("cache") ? try args.string("cache") : defaultScoreCache) as NSString).expandingTildeInPath
        let key = fullAccuracyKey(dataset, spec: spec, epochs: epochs, seed: seed)
        let existing = readScoreCache(path, context: context)
        var cache = existing ?? [:]
        if let hit = cache[key] {
            context.output.write("score: full-data accuracy \(String(format: "%.1f", Double(hit.accuracy) * 100)) % from \(path)\n")
            return hit.accuracy
        }
        context.output.write("score: training \(spec) on all \(dataset.train.count) train images for \(epochs) epochs (cached in \(path))\n")
        let config = TrainConfig.evaluation(epochs: epochs)
        let result = try Evaluation.run(
            images: dataset.train.images, labels: dataset.train.labels, testImages: dataset.test.images, testLabels: dataset.test.labels,
            config: config, runs: 1, seed: seed,
            makeModel: { try spec.build(imageShape: dataset.imageShape, classes: dataset.classCount, rng: &$0) }, progress: context.progress)
        if let d = result.diverged { throw args.error(1, "training on the whole train split \(d); no full-data accuracy (HINT: give full=)") }
        guard !result.interrupted, let accuracy = result.accuracies.first else {
            throw args.error(1, "interrupted while training on the whole train split; nothing was cached")
        }
        guard existing != nil else { return accuracy }   // a damaged cache is left as it is
        cache[key] = FullAccuracyEntry(accuracy: accuracy, dataset: dataset.name, model: spec.description, epochs: epochs, seed: seed)
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try AtomicWriter().write(Array(try encoder.encode(cache)), to: path, what: "score cache")
        } catch {
            context.output.write("warning: score: the full-data accuracy was not cached: \(error)\n")
        }
        return accuracy
    }

    /// What the full-data accuracy depends on, as one readable key.
    static func fullAccuracyKey(_ dataset: Dataset, spec: ModelSpec, epochs: Int, seed: UInt64) -> String {
        func crc(_ t: Tensor) -> String { String(format: "%08x", t.data.withUnsafeBytes { CRC32.checksum($0) }) }
        func crc(_ labels: [Int]) -> String { String(format: "%08x", labels.map(Int32.init).withUnsafeBytes { CRC32.checksum($0) }) }
        let content = [crc(dataset.train.images), crc(dataset.train.labels), crc(dataset.test.images), crc(dataset.test.labels)].joined(separator: "-")
        return "\(dataset.name) \(content) | \(spec) | sgd lr 0.01 batch 256 \(epochs) epochs | seed \(seed)"
    }

    /// The cache's entries (none when there is no cache yet); nil, with a note, when it cannot be
    /// read or is not a score cache: it is then neither used nor replaced.
    static func readScoreCache(_ path: String, context: CallContext) -> [String: FullAccuracyEntry]? {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let bytes: [UInt8]
        do { bytes = try RegularFile.read(path) } catch {
            context.output.write("warning: score: the cache \(path) is neither used nor replaced (\(error.reason))\n")
            return nil
        }
        guard let entries = try? JSONDecoder().decode([String: FullAccuracyEntry].self, from: Data(bytes)) else {
            context.output.write("warning: score: the cache \(path) is neither used nor replaced (not a score cache)\n")
            return nil
        }
        return entries
    }
}
