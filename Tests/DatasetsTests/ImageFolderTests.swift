// Image folders: CLASS/*.png with and without train/test, measured constants, and the errors
// for mixed sizes, unsupported bit depths, transparency, empty and stray class folders.
import Foundation
import Testing
import TensorCore
import TestSupport
import Datasets

@Suite struct ImageFolderTests {
    /// A 3x2 grey image whose pixels are `base + i`.
    func grey(_ base: Int) -> [UInt8] {
        Fixture.png(width: 3, height: 2, channels: 1, pixels: (0..<6).map { UInt8(base + $0 * 10) })
    }

    @Test func classFoldersSortedAndNoTestSplit() throws {
        let dir = TempDir()
        dir.write("set/zebra/b.png", grey(100))
        dir.write("set/zebra/a.png", grey(50))
        dir.write("set/ant/x.png", grey(0))
        dir.write("set/ant/notes.txt", Array("ignored".utf8))
        dir.write("set/.hidden/y.png", grey(0))
        let ds = try Dataset.load(dir.path + "/set")
        #expect(ds.name == "set")
        #expect(ds.classNames == ["ant", "zebra"])
        #expect(ds.imageShape == [1, 2, 3])
        #expect(ds.train.labels == [0, 1, 1])
        #expect(ds.test.count == 0 && ds.test.images.shape == [0, 1, 2, 3])
        // Constants measured over all 18 train pixels; files sorted within a class (a before b).
        let pixels = (0..<6).map { $0 * 10 } + (0..<6).map { 50 + $0 * 10 } + (0..<6).map { 100 + $0 * 10 }
        let v = pixels.map { Double($0) / 255 }
        let mean = v.reduce(0, +) / 18
        let std = (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 18).squareRoot()
        #expect(abs(Double(ds.normalization.mean[0]) - mean) < 1e-6)
        #expect(abs(Double(ds.normalization.std[0]) - std) < 1e-6)
        let expected = pixels.map { Float((Double($0) / 255 - mean) / std) }
        #expect(closenessFailure(ds.train.images.data, expected, atol: 1e-4) == nil)
        #expect(try Dataset.load(provenance: ds.provenance) == ds)
    }

    @Test func trainAndTestRGB() throws {
        let dir = TempDir()
        func rgb(_ v: UInt8) -> [UInt8] {
            // Red, green and blue channels differ so the planar order is visible.
            Fixture.png(width: 2, height: 2, channels: 3, pixels: (0..<4).flatMap { _ in [v, v &+ 1, v &+ 2] })
        }
        dir.write("s/train/cat/1.png", rgb(10))
        dir.write("s/train/dog/1.png", rgb(20))
        dir.write("s/train/dog/2.png", rgb(30))
        dir.write("s/test/dog/1.png", rgb(40))
        let ds = try Dataset.load(dir.path + "/s")
        #expect(ds.classNames == ["cat", "dog"])
        #expect(ds.train.labels == [0, 1, 1] && ds.test.labels == [1])
        let back = try ds.normalization.denormalized(ds.test.images)
        let expected: [Float] = [40, 40, 40, 40, 41, 41, 41, 41, 42, 42, 42, 42].map { $0 / 255 }
        #expect(closenessFailure(back.data, expected, atol: 1e-5) == nil)
        // Red channel: train values 10, 20, 30 -> mean 20/255.
        #expect(abs(ds.normalization.mean[0] - 20 / 255) < 1e-6)
    }

    @Test func opaqueAlphaIsDroppedTransparentIsAnError() throws {
        let dir = TempDir()
        dir.write("s/a/1.png", Fixture.png(width: 1, height: 2, channels: 4, pixels: [1, 2, 3, 255, 4, 5, 6, 255]))
        let ds = try Dataset.load(dir.path + "/s")
        #expect(ds.imageShape == [3, 2, 1])
        let path = dir.write("s/a/2.png", Fixture.png(width: 1, height: 2, channels: 4, pixels: [1, 2, 3, 255, 4, 5, 6, 128]))
        let e = #expect(throws: DataError.self) { try Dataset.load(dir.path + "/s") }
        #expect(e?.message.contains(path) == true)
        #expect(e?.message.contains("transparent") == true)
    }

    @Test func mixedSizesAreAnError() throws {
        let dir = TempDir()
        dir.write("s/a/1.png", grey(0))
        let path = dir.write("s/b/1.png", Fixture.png(width: 2, height: 2, channels: 1, pixels: [0, 0, 0, 0]))
        let e = #expect(throws: DataError.self) { try Dataset.load(dir.path + "/s") }
        #expect(e?.message.contains(path) == true)
        #expect(e?.message.contains("2x2 grey") == true)
        #expect(e?.message.contains("3x2 grey") == true)
    }

    @Test func mixedGreyAndRGBAreAnError() throws {
        let dir = TempDir()
        dir.write("s/a/1.png", grey(0))
        let path = dir.write("s/train-like/1.png", Fixture.png(width: 3, height: 2, channels: 3, pixels: [UInt8](repeating: 9, count: 18)))
        let e = #expect(throws: DataError.self) { try Dataset.load(dir.path + "/s") }
        #expect(e?.message.contains(path) == true)
    }

    @Test(arguments: [(UInt8(16), UInt8(0)), (16, 2), (4, 0), (1, 0)])
    func unsupportedBitDepths(depth: UInt8, colour: UInt8) throws {
        let dir = TempDir()
        dir.write("s/a/1.png", grey(0))
        let samples = colour == 2 ? 3 : 1
        let rowBytes = (3 * samples * Int(depth) + 7) / 8
        let path = dir.write("s/a/2.png", Fixture.png(width: 3, height: 2, depth: depth, colour: colour,
                                                      rows: [[UInt8](repeating: 0, count: rowBytes), [UInt8](repeating: 0, count: rowBytes)]))
        let e = #expect(throws: DataError.self) { try Dataset.load(dir.path + "/s") }
        #expect(e?.message.contains(path) == true)
        #expect(e?.message.contains("\(depth)-bit PNG is not supported") == true)
    }

    @Test func palettePNGIsRGB() throws {
        let dir = TempDir()
        let plte: [UInt8] = [255, 0, 0, 0, 0, 255]
        var bytes = Fixture.png(width: 2, height: 1, depth: 8, colour: 3, rows: [[0, 1]])
        // A palette file needs a PLTE chunk right after IHDR (signature 8 + IHDR 25 bytes).
        bytes.insert(contentsOf: Fixture.chunk("PLTE", plte), at: 33)
        dir.write("s/a/1.png", bytes)
        let ds = try Dataset.load(dir.path + "/s")
        #expect(ds.imageShape == [3, 1, 2])
        let back = try ds.normalization.denormalized(ds.train.images)
        #expect(closenessFailure(back.data, [1, 0, 0, 0, 0, 1], atol: 1e-5) == nil)
    }

    @Test func damagedPNGNamesTheFile() throws {
        let dir = TempDir()
        dir.write("s/a/1.png", grey(0))
        let path = dir.write("s/a/2.png", Array(grey(0).prefix(40)))
        let e = #expect(throws: DataError.self) { try Dataset.load(dir.path + "/s") }
        #expect(e?.message.contains(path) == true)
    }

    @Test func emptyClassFolder() throws {
        let dir = TempDir()
        dir.write("s/a/1.png", grey(0))
        dir.write("s/b/readme.txt", Array("no images".utf8))
        let e = #expect(throws: DataError.self) { try Dataset.load(dir.path + "/s") }
        #expect(e?.message.contains(dir.path + "/s/b") == true)
        #expect(e?.message.contains("empty class folder") == true)
        // Also in a test split.
        let dir2 = TempDir()
        dir2.write("s/train/a/1.png", grey(0))
        dir2.folder("s/test/a")
        let e2 = #expect(throws: DataError.self) { try Dataset.load(dir2.path + "/s") }
        #expect(e2?.message.contains("s/test/a") == true)
    }

    @Test func testClassUnknownToTrain() throws {
        let dir = TempDir()
        dir.write("s/train/a/1.png", grey(0))
        dir.write("s/test/b/1.png", grey(0))
        let e = #expect(throws: DataError.self) { try Dataset.load(dir.path + "/s") }
        #expect(e?.message.contains("s/test/b") == true)
    }

    @Test func trainBesideClassFolders() throws {
        let dir = TempDir()
        dir.write("s/train/a/1.png", grey(0))
        dir.write("s/extra/1.png", grey(0))
        let e = #expect(throws: DataError.self) { try Dataset.load(dir.path + "/s") }
        #expect(e?.message.contains("extra") == true)
    }

    @Test func emptyFolder() throws {
        let dir = TempDir()
        dir.folder("nothing")
        let e = #expect(throws: DataError.self) { try Dataset.load(dir.path + "/nothing") }
        #expect(e?.message.contains("no class folders") == true)
    }
}
