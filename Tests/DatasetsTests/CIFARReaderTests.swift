// CIFAR-10 and CIFAR-100 binary reading: fixtures, channel order, class names, damaged files.
import Foundation
import Testing
import TensorCore
import TestSupport
import Datasets

@Suite struct CIFARReaderTests {
    @Test func readsCIFAR10Fixture() throws {
        let dir = TempDir()
        Fixture.writeCIFAR10(in: dir, folder: "c")
        let ds = try Dataset.load(.cifar10, from: dir.path + "/c")
        #expect(ds.train.images.shape == [10, 3, 32, 32])
        #expect(ds.test.images.shape == [3, 3, 32, 32])
        #expect(ds.train.labels == [1, 3, 2, 6, 3, 9, 4, 2, 5, 5])
        #expect(ds.test.labels == [9, 0, 4])
        #expect(ds.classNames[0] == "AIRPLANE")   // read from batches.meta.txt, not the defaults
        // Record 1 of batch 3 is train image 5; each channel uses its own constants.
        let record = Fixture.cifarRecords(labels: [2, 9], labelBytes: 1, salt: 3)
        let pixels = Array(record[3074..<(3074 + 3072)])
        let mean: [Float] = [0.4914, 0.4822, 0.4465], std: [Float] = [0.2023, 0.1994, 0.2010]
        let expected = pixels.enumerated().map { (Float($0.element) / 255 - mean[$0.offset / 1024]) / std[$0.offset / 1024] }
        let got = Array(ds.train.images.data[(5 * 3072)..<(6 * 3072)])
        #expect(closenessFailure(got, expected, atol: 1e-6) == nil)
    }

    @Test func defaultNamesWithoutMeta() throws {
        let dir = TempDir()
        Fixture.writeCIFAR10(in: dir, folder: "c", meta: false)
        let ds = try Dataset.load(.cifar10, from: dir.path + "/c")
        #expect(ds.classNames == KnownDataset.cifar10.defaultClassNames)
    }

    @Test func metaWithWrongCountIsAnError() throws {
        let dir = TempDir()
        Fixture.writeCIFAR10(in: dir, folder: "c")
        let path = dir.write("c/batches.meta.txt", Array("cat\ndog\n".utf8))
        let e = #expect(throws: DataError.self) { try Dataset.load(.cifar10, from: dir.path + "/c") }
        #expect(e?.message.contains(path) == true)
        #expect(e?.message.contains("lists 2 class names") == true)
    }

    @Test func readsCIFAR100FineLabels() throws {
        let dir = TempDir()
        dir.write("c/train.bin", Fixture.cifarRecords(labels: [0, 57, 99, 57], labelBytes: 2, salt: 1))
        dir.write("c/test.bin", Fixture.cifarRecords(labels: [42], labelBytes: 2, salt: 2))
        let ds = try Dataset.load(.cifar100, from: dir.path + "/c")
        #expect(ds.train.labels == [0, 57, 99, 57])
        #expect(ds.classCount == 100)
        #expect(ds.classNames[57] == "pear" && ds.classNames[58] == "pickup_truck")
        #expect(ds.train.classIndex[57] == [1, 3])
        #expect(ds.normalization == Normalization(mean: [0.5071, 0.4866, 0.4409], std: [0.2673, 0.2564, 0.2762]))
        let pixel = Fixture.cifarRecords(labels: [42], labelBytes: 2, salt: 2)[2 + 1024]   // green channel, first pixel
        #expect(abs(ds.test.images.data[1024] - (Float(pixel) / 255 - 0.4866) / 0.2564) < 1e-6)
    }

    @Test func truncatedBatchNamesTheFile() throws {
        let dir = TempDir()
        Fixture.writeCIFAR10(in: dir, folder: "c")
        let full = try FileBytes.readRaw(dir.path + "/c/data_batch_4.bin")
        let path = dir.write("c/data_batch_4.bin", Array(full.dropLast(100)))
        let e = #expect(throws: DataError.self) { try Dataset.load(.cifar10, from: dir.path + "/c") }
        #expect(e?.message.contains(path) == true)
        #expect(e?.message.contains("3073-byte records") == true)
    }

    @Test func labelOutOfRange() throws {
        let dir = TempDir()
        Fixture.writeCIFAR10(in: dir, folder: "c")
        let path = dir.write("c/test_batch.bin", Fixture.cifarRecords(labels: [3, 10], labelBytes: 1))
        let e = #expect(throws: DataError.self) { try Dataset.load(.cifar10, from: dir.path + "/c") }
        #expect(e?.message.contains("label 10 of record 1") == true)
        #expect(e?.message.contains(path) == true)
    }

    @Test func cifar100FileReadAsCIFAR10IsAnError() throws {
        // 2 records of 3074 bytes are not a whole number of 3073-byte records.
        let dir = TempDir()
        let path = dir.write("t.bin", Fixture.cifarRecords(labels: [1, 2], labelBytes: 2))
        let e = #expect(throws: DataError.self) {
            try CIFARReader.readSplit(files: [path], labelBytes: 1, classCount: 10, normalization: KnownDataset.cifar10.normalization)
        }
        #expect(e?.message.contains(path) == true)
    }

    @Test func missingBatchIsAnError() throws {
        let dir = TempDir()
        Fixture.writeCIFAR10(in: dir, folder: "c")
        try FileManager.default.removeItem(atPath: dir.path + "/c/data_batch_3.bin")
        let e = #expect(throws: DataError.self) { try Dataset.load(.cifar10, from: dir.path + "/c") }
        #expect(e?.message.contains("data_batch_3.bin") == true)
    }

    @Test func emptyBatchIsAnError() throws {
        let dir = TempDir()
        Fixture.writeCIFAR10(in: dir, folder: "c")
        let path = dir.write("c/test_batch.bin", [])
        let e = #expect(throws: DataError.self) { try Dataset.load(.cifar10, from: dir.path + "/c") }
        #expect(e?.message.contains(path) == true)
    }

    @Test func folderPathNamedLikeTheSetUsesItsConstants() throws {
        let dir = TempDir()
        Fixture.writeCIFAR10(in: dir, folder: "x/cifar-10-batches-bin")
        let ds = try Dataset.load(dir.path + "/x/cifar-10-batches-bin")
        #expect(ds.name == "cifar10")
        #expect(ds.normalization == KnownDataset.cifar10.normalization)
    }
}
