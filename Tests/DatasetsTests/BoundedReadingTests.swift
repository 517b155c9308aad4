// Damaged IDX files are found from what their header declares, reading no more than that:
// truncated and padded gzip files, headers past the memory limit, and labels that do not fit
// the classes (a stray label must not invent classes).
import Foundation
import Testing
import TensorCore
import Datasets

@Suite struct BoundedReadingTests {
    /// An IDX image file of `n` 28x28 images (a few MB: big enough that reading it all would show).
    static func images(_ n: Int) -> [UInt8] { Fixture.idx([n, 28, 28], Fixture.pixels(count: n, size: 784)) }

    @Test func halfATruncatedGzipIsReportedWithWhatWasThere() throws {
        let dir = TempDir()
        let full = Fixture.gzip(Self.images(5000))                 // 3.9 MB of pixels
        let path = dir.write("train-images-idx3-ubyte.gz", Array(full.prefix(full.count / 2)))
        let e = #expect(throws: DataError.self) { try IDXReader.readImages(path) }
        #expect(e?.message.contains(path) == true)
        #expect(e?.message.contains("the gzip stream is truncated (ends after") == true, "\(e?.message ?? "")")
        #expect(e?.hint?.contains("incomplete") == true)
    }

    @Test func dataPastTheDeclaredSizeIsFoundByAProbeNotByReadingItAll() throws {
        let dir = TempDir()
        // 4 MB of zeros after the 784 declared bytes, inside the gzip stream.
        let path = dir.write("l.gz", Fixture.gzip(Self.images(1) + [UInt8](repeating: 0, count: 4 << 20)))
        let e = #expect(throws: DataError.self) { try IDXReader.readImages(path) }
        #expect(e?.message.contains("has at least 65536 bytes after the 784 its extents [1, 28, 28] promise") == true,
                "\(e?.message ?? "")")
        // A raw file: the size on disk tells exactly, before the payload is read.
        let raw = dir.write("r", Self.images(1) + [UInt8](repeating: 0, count: 5000))
        let r = #expect(throws: DataError.self) { try IDXReader.readImages(raw) }
        #expect(r?.message.contains("has 5000 bytes after the 784") == true)
        let short = dir.write("s", Array(Self.images(2).dropLast(10)))
        let s = #expect(throws: DataError.self) { try IDXReader.readImages(short) }
        #expect(s?.message.contains("need 1568 bytes of data, found 1558") == true)
    }

    @Test func zeroPaddingAfterTheGzipDataIsBounded() throws {
        let dir = TempDir()
        let gz = Fixture.gzip(Self.images(3))
        // A little padding (tape blocks) is fine, as before.
        let small = dir.write("a.gz", gz + [UInt8](repeating: 0, count: 10240))
        #expect(try IDXReader.readImages(small).dims == [3, 28, 28])
        // Megabytes of it are not padding, and are not read to the end.
        let big = dir.write("b.gz", gz + [UInt8](repeating: 0, count: 3 << 20))
        let e = #expect(throws: DataError.self) { try IDXReader.readImages(big) }
        #expect(e?.message.contains("more than \(ByteStream.maxPadding) zero bytes follow its gzip data") == true, "\(e?.message ?? "")")
        // Two gzip members are one stream, as gzip itself reads them.
        let bytes = Self.images(2)
        let two = dir.write("c.gz", Fixture.gzip(Array(bytes.prefix(1000))) + Fixture.gzip(Array(bytes.dropFirst(1000))))
        #expect(try IDXReader.readImages(two).pixels == Array(bytes.dropFirst(16)))
    }

    @Test func wholeFileReadsStopAtTheirMaximum() throws {
        let dir = TempDir()
        let gz = dir.write("c.bin.gz", Fixture.gzip([UInt8](repeating: 7, count: 5000)))
        let e = #expect(throws: DataError.self) { try FileBytes.read(gz, maxBytes: 1000, what: "the test's limit") }
        #expect(e?.message == "\(gz): it decompresses to more than 1000 bytes, more than the test's limit (1000 bytes)")
        let raw = dir.write("c.bin", [UInt8](repeating: 7, count: 5000))
        let r = #expect(throws: DataError.self) { try FileBytes.read(raw, maxBytes: 1000, what: "the test's limit") }
        #expect(r?.message.contains("5000 bytes, more than the test's limit") == true)
        #expect(try FileBytes.read(gz, maxBytes: 5000, what: "").count == 5000)
    }

    @Test func headerPastTheMemoryLimitIsRefusedUnread() throws {
        let dir = TempDir()
        // 2^31 labels declared, three present: refused from the header alone.
        let path = dir.write("l", Fixture.idx([1 << 31], [0, 1, 2]))
        let e = MemoryLimit.$override.withValue(1 << 30) {
            #expect(throws: DataError.self) { try IDXReader.readLabels(path) }
        }
        #expect(e?.message.contains("IDX extents [2147483648], read as Float32, needs 8.0 GiB, more than the memory limit") == true,
                "\(e?.message ?? "")")
        let huge = dir.write("i", [0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255])
        let h = #expect(throws: DataError.self) { try IDXReader.readImages(huge) }
        #expect(h?.message.contains("declare more than") == true)
    }

    @Test func anImageFolderPastTheMemoryLimitIsRefusedBeforeDecoding() throws {
        let dir = TempDir()
        for c in ["a", "b"] {
            for i in 0..<3 { dir.write("f/\(c)/\(i).png", Fixture.png(width: 8, height: 8, channels: 1, pixels: [UInt8](repeating: 9, count: 64))) }
        }
        // 6 images of 8x8 as Float32: 1536 bytes.
        let e = MemoryLimit.$override.withValue(1024) {
            #expect(throws: DataError.self) { try Dataset.load(dir.path + "/f") }
        }
        #expect(e?.message == "\(dir.path)/f: 6 images of 8x8 (grey), as Float32, needs 1.5 KiB, more than the memory limit of 1.0 KiB (the limit set for this test) (HINT: use smaller sizes; DISTILL_MEMORY_LIMIT=SIZE, such as 64G, sets the limit)",
                "\(e?.message ?? "")")
        let ok = try MemoryLimit.$override.withValue(1536) { try Dataset.load(dir.path + "/f") }
        #expect(ok.train.count == 6)
    }

    @Test func aStrayLabelDoesNotMakeClasses() throws {
        let dir = TempDir()
        Fixture.writeIDXSet(in: dir, folder: "digits", classes: 10)
        let path = dir.write("digits/train-labels-idx1-ubyte", Fixture.idx([12], (0..<12).map { $0 == 7 ? 200 : UInt8($0 % 10) }))
        let e = #expect(throws: DataError.self) { try Dataset.load(dir.path + "/digits") }
        #expect(e?.message == "\(path): label 200 of item 7 would make 201 classes, but 191 classes (7 first) have no items", "\(e?.message ?? "")")
        // A named set has its classes: the label is outside them.
        let n = #expect(throws: DataError.self) { try Dataset.load(.mnist, from: dir.path + "/digits") }
        #expect(n?.message.contains("label 200 of item 7 is outside 0..<10") == true)
    }

    @Test func cifarLabelBytesAreChecked() throws {
        let dir = TempDir()
        let norm = KnownDataset.cifar100.normalization
        let coarse = dir.write("coarse.bin", [25, 3] + [UInt8](repeating: 0, count: 3072))
        let e = #expect(throws: DataError.self) { try CIFARReader.readSplit(files: [coarse], labelBytes: 2, classCount: 100, normalization: norm) }
        #expect(e?.message == "\(coarse): coarse label 25 of record 0 is outside 0..<20")
        let fine = dir.write("fine.bin", Fixture.cifarRecords(labels: [3, 7], labelBytes: 2) + [1, 100] + [UInt8](repeating: 0, count: 3072))
        let f = #expect(throws: DataError.self) { try CIFARReader.readSplit(files: [fine], labelBytes: 2, classCount: 100, normalization: norm) }
        #expect(f?.message == "\(fine): label 100 of record 2 is outside 0..<100")
    }

    @Test func testLabelsMustBeTrainClasses() throws {
        let dir = TempDir()
        Fixture.writeIDXSet(in: dir, folder: "digits", classes: 4)
        let path = dir.write("digits/t10k-labels-idx1-ubyte", Fixture.idx([5], [0, 1, 2, 3, 6]))
        let e = #expect(throws: DataError.self) { try Dataset.load(dir.path + "/digits") }
        #expect(e?.message == "\(path): label 6 of item 4 is outside 0..<4, the 4 classes of this data set", "\(e?.message ?? "")")
    }
}
