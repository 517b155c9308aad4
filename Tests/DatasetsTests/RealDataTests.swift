// Loading the real data sets and timing it: only with DISTILL_SLOW=1 (scripts/check-data runs
// these in release). Each set is skipped when its files are not where the environment says.
import Foundation
import Testing
import Datasets

@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["DISTILL_SLOW"] == "1"))
struct RealDataTests {
    let env = ProcessInfo.processInfo.environment

    /// Loads `name` from `folder`, prints the time, and checks it against `limit` in release.
    /// `pixelStd` is the true per-pixel std of the train split in [0, 1] units; for CIFAR-10 it
    /// differs from the published "std" constants, which everyone nevertheless uses.
    func timedLoad(_ set: KnownDataset, from folder: String, limit: Double, pixelStd: [Float]) throws -> Dataset? {
        guard FileManager.default.fileExists(atPath: folder) else {
            print("check-data: \(set.rawValue): skipped, no folder \(folder)")
            return nil
        }
        let start = Date()
        let ds = try Dataset.load(set, from: folder)
        let seconds = Date().timeIntervalSince(start)
        print("check-data: \(set.rawValue): loaded \(ds.train.count) + \(ds.test.count) images \(ds.imageShape) from \(folder) in \(String(format: "%.3f", seconds)) s")
        #if !DEBUG
        #expect(seconds <= limit, "\(set.rawValue) took \(seconds) s, budget \(limit) s")
        #endif
        // The published means are the train split's: normalised, its mean is near 0 in every
        // channel, and its spread is the true pixel std over the constant.
        let stats = try Normalization.measured(pixels01: ds.train.images)
        for c in 0..<ds.imageShape[0] {
            #expect(abs(stats.mean[c]) < 0.01, "channel \(c) mean \(stats.mean[c])")
            let expected = pixelStd[c] / ds.normalization.std[c]
            #expect(abs(stats.std[c] - expected) < 0.02, "channel \(c) std \(stats.std[c]), expected \(expected)")
        }
        return ds
    }

    @Test func fashionMNIST() throws {
        let folder = env["DISTILL_FASHION_MNIST"] ?? "/usr/share/datasets/fashion-mnist"
        guard let ds = try timedLoad(.fashionMNIST, from: folder, limit: 2, pixelStd: [0.3530]) else { return }
        #expect(ds.train.count == 60000 && ds.test.count == 10000)
        #expect(ds.train.classCounts == [Int](repeating: 6000, count: 10))
        #expect(ds.test.classCounts == [Int](repeating: 1000, count: 10))
    }

    @Test func mnist() throws {
        let folder = env["DISTILL_MNIST"] ?? "../shared/data/mnist"
        guard let ds = try timedLoad(.mnist, from: folder, limit: 2, pixelStd: [0.3081]) else { return }
        #expect(ds.train.classCounts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        #expect(ds.test.classCounts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    }

    @Test func cifar10() throws {
        let folder = env["DISTILL_CIFAR10"] ?? "/tmp/cifar10"
        guard let ds = try timedLoad(.cifar10, from: folder, limit: 3, pixelStd: [0.2470, 0.2435, 0.2616]) else { return }
        #expect(ds.train.count == 50000 && ds.test.count == 10000)
        #expect(ds.train.classCounts == [Int](repeating: 5000, count: 10))
        #expect(ds.classNames == KnownDataset.cifar10.defaultClassNames)
    }

    /// An image folder, e.g. CIFAR-10's test split written as CLASS/*.png (see docs/datasets.md).
    @Test func imageFolder() throws {
        guard let folder = env["DISTILL_IMAGE_FOLDER"], FileManager.default.fileExists(atPath: folder) else {
            print("check-data: image folder: skipped, set DISTILL_IMAGE_FOLDER")
            return
        }
        let start = Date()
        let ds = try Dataset.load(folder)
        let seconds = Date().timeIntervalSince(start)
        print("check-data: image folder: loaded \(ds.train.count) + \(ds.test.count) images \(ds.imageShape), \(ds.classCount) classes, from \(folder) in \(String(format: "%.3f", seconds)) s")
        #expect(ds.train.count > 0)
    }

    @Test func defaultLookupFindsFashionMNIST() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist") else { return }
        let loc = DatasetLocator(root: nil, environment: [:], home: nil)
        #expect(try loc.locate(.fashionMNIST) == "/usr/share/datasets/fashion-mnist")
    }
}
