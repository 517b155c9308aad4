// IDX reading: raw and gzip fixtures, normalisation values, and every damaged-file error.
import Foundation
import Testing
import TensorCore
import TestSupport
import Datasets

@Suite struct IDXReaderTests {
    @Test(arguments: [false, true])
    func readsFixtureAsNamedSet(gzip: Bool) throws {
        let dir = TempDir()
        let (trainPixels, testPixels) = Fixture.writeIDXSet(in: dir, folder: "mnist", classes: 10, gzip: gzip)
        let ds = try Dataset.load(.mnist, from: dir.path + "/mnist")
        #expect(ds.name == "mnist")
        #expect(ds.imageShape == [1, 4, 3])
        #expect(ds.train.images.shape == [12, 1, 4, 3])
        #expect(ds.test.images.shape == [5, 1, 4, 3])
        #expect(ds.train.labels == (0..<12).map { $0 % 10 })
        #expect(ds.classNames == (0..<10).map(String.init))
        let expectTrain = trainPixels.map { (Float($0) / 255 - 0.1307) / 0.3081 }
        let expectTest = testPixels.map { (Float($0) / 255 - 0.1307) / 0.3081 }
        #expect(closenessFailure(ds.train.images.data, expectTrain, atol: 1e-6) == nil)
        #expect(closenessFailure(ds.test.images.data, expectTest, atol: 1e-6) == nil)
        #expect(ds.provenance.source == "mnist")
        #expect(ds.provenance.root == dir.path + "/mnist")
    }

    @Test func publishedConstantsPerSet() throws {
        let dir = TempDir()
        Fixture.writeIDXSet(in: dir, folder: "f", classes: 10)
        let f = try Dataset.load(.fashionMNIST, from: dir.path + "/f")
        #expect(f.normalization == Normalization(mean: [0.2861], std: [0.3530]))
        #expect(f.classNames[9] == "Ankle boot")
        let k = try Dataset.load(.kmnist, from: dir.path + "/f")
        #expect(k.normalization == Normalization(mean: [0.1918], std: [0.3483]))
        // The fixture's first pixel is 11.
        let pixel0 = f.train.images.data[0]
        #expect(abs(pixel0 - (11.0 / 255 - 0.2861) / 0.3530) < 1e-5)
    }

    @Test func dotSpelledFileNamesAreAccepted() throws {
        let dir = TempDir()
        Fixture.writeIDXSet(in: dir, folder: "m", classes: 10)
        for f in ["train-images", "train-labels", "t10k-images", "t10k-labels"] {
            let idx = f.hasSuffix("images") ? "idx3" : "idx1"
            try FileManager.default.moveItem(atPath: "\(dir.path)/m/\(f)-\(idx)-ubyte", toPath: "\(dir.path)/m/\(f).\(idx)-ubyte")
        }
        #expect(try Dataset.load(.mnist, from: dir.path + "/m").train.count == 12)
    }

    @Test func truncatedImageFileNamesTheFile() throws {
        let dir = TempDir()
        Fixture.writeIDXSet(in: dir, folder: "m", classes: 10)
        let path = dir.write("m/train-images-idx3-ubyte", Fixture.idx([12, 4, 3], Fixture.pixels(count: 12, size: 12)).dropLast(5).map { $0 })
        let e = #expect(throws: DataError.self) { try Dataset.load(.mnist, from: dir.path + "/m") }
        #expect(e?.message.contains(path) == true)
        #expect(e?.message.contains("truncated") == true)
    }

    @Test func truncatedHeaderIsAnError() throws {
        let dir = TempDir()
        let path = dir.write("x", [0, 0, 8, 3, 0, 0])
        let e = #expect(throws: DataError.self) { try IDXReader.readImages(path) }
        #expect(e?.message.contains("truncated IDX header") == true)
        let tiny = dir.write("y", [0, 0])
        #expect(throws: DataError.self) { try IDXReader.readImages(tiny) }
    }

    @Test func extentsWhoseProductOverflowsAreAnError() throws {
        // Fuzz/crashes/idx/extents-overflow: three extents of 2^32 - 1 once trapped on overflow.
        let dir = TempDir()
        let path = dir.write("x", [0, 0, 8, 3] + [UInt8](repeating: 0xFF, count: 12) + [1, 2, 3])
        let e = #expect(throws: DataError.self) { try IDXReader.readImages(path) }
        #expect(e?.message.contains("IDX extents [4294967295, 4294967295, 4294967295] declare more than") == true, "\(e?.message ?? "")")
    }

    @Test func truncatedGzipIsAnError() throws {
        let dir = TempDir()
        Fixture.writeIDXSet(in: dir, folder: "m", classes: 10, gzip: true)
        let full = try FileBytes.readRaw(dir.path + "/m/train-images-idx3-ubyte.gz")
        let path = dir.write("m/train-images-idx3-ubyte.gz", Array(full.prefix(full.count - 12)))
        let e = #expect(throws: DataError.self) { try Dataset.load(.mnist, from: dir.path + "/m") }
        #expect(e?.message.contains(path) == true)
        #expect(e?.message.contains("truncated") == true)
    }

    @Test func corruptGzipIsAnError() throws {
        let dir = TempDir()
        var bytes = Fixture.gzip(Fixture.idx([3], [1, 2, 3]))
        for i in 10..<min(bytes.count, 20) { bytes[i] ^= 0xA5 }
        let path = dir.write("labels.gz", bytes)
        let e = #expect(throws: DataError.self) { try IDXReader.readLabels(path) }
        #expect(e?.message.contains(path) == true)
    }

    @Test func wrongMagicNumber() throws {
        let dir = TempDir()
        let bad = dir.write("a", [0x12, 0x34, 0x08, 0x03] + [UInt8](repeating: 0, count: 12))
        let e1 = #expect(throws: DataError.self) { try IDXReader.readImages(bad) }
        #expect(e1?.message.contains("not an IDX file") == true)
        #expect(e1?.message.contains(bad) == true)
        let wrongType = dir.write("b", [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0])
        let e2 = #expect(throws: DataError.self) { try IDXReader.readLabels(wrongType) }
        #expect(e2?.message.contains("element type 0x0d") == true)
        // A label file where an image file is expected: wrong rank.
        let labels = dir.write("c", Fixture.idx([2], [0, 1]))
        let e3 = #expect(throws: DataError.self) { try IDXReader.readImages(labels) }
        #expect(e3?.message.contains("expected 3") == true)
    }

    @Test func extraBytesAreAnError() throws {
        let dir = TempDir()
        let path = dir.write("l", Fixture.idx([2], [0, 1, 7]))
        let e = #expect(throws: DataError.self) { try IDXReader.readLabels(path) }
        #expect(e?.message.contains("1 bytes after") == true)
    }

    @Test func imageLabelCountMismatch() throws {
        let dir = TempDir()
        Fixture.writeIDXSet(in: dir, folder: "m", classes: 10)
        let path = dir.write("m/t10k-labels-idx1-ubyte", Fixture.idx([4], [0, 1, 2, 3]))
        let e = #expect(throws: DataError.self) { try Dataset.load(.mnist, from: dir.path + "/m") }
        #expect(e?.message.contains("holds 5 images") == true)
        #expect(e?.message.contains(path) == true)
    }

    @Test func labelOutOfRange() throws {
        let dir = TempDir()
        Fixture.writeIDXSet(in: dir, folder: "m", classes: 10)
        let path = dir.write("m/t10k-labels-idx1-ubyte", Fixture.idx([5], [0, 1, 10, 3, 4]))
        let e = #expect(throws: DataError.self) { try Dataset.load(.mnist, from: dir.path + "/m") }
        #expect(e?.message.contains("label 10 of item 2") == true)
        #expect(e?.message.contains(path) == true)
    }

    @Test func missingFileInFolder() throws {
        let dir = TempDir()
        Fixture.writeIDXSet(in: dir, folder: "m", classes: 10)
        try FileManager.default.removeItem(atPath: dir.path + "/m/t10k-images-idx3-ubyte")
        let e = #expect(throws: DataError.self) { try Dataset.load(.mnist, from: dir.path + "/m") }
        #expect(e?.message.contains("t10k-images-idx3-ubyte") == true)
    }

    @Test func unnamedIDXFolderMeasuresItsOwnStatistics() throws {
        let dir = TempDir()
        let (train, _) = Fixture.writeIDXSet(in: dir, folder: "digits-x", classes: 4)
        let ds = try Dataset.load(dir.path + "/digits-x")
        #expect(ds.name == "digits-x")
        #expect(ds.classCount == 4)
        let values = train.map { Double($0) / 255 }
        let mean = values.reduce(0, +) / Double(values.count)
        let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        #expect(abs(Double(ds.normalization.mean[0]) - mean) < 1e-5)
        #expect(abs(Double(ds.normalization.std[0]) - std) < 1e-5)
        // Normalised train images have mean 0 and std 1.
        let x = ds.train.images.data.map(Double.init)
        let m = x.reduce(0, +) / Double(x.count)
        #expect(abs(m) < 1e-4)
        #expect(ds.provenance.source == dir.path + "/digits-x")
    }
}
