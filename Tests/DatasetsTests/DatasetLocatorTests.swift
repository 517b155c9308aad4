// Finding named sets: search order, accepted sub-folder names, and the missing-set message.
import Foundation
import Testing
import Datasets

@Suite struct DatasetLocatorTests {
    /// A locator that sees only the temporary folder: no real environment, home or system places.
    func locator(_ dir: TempDir, root: String? = nil, env: String? = nil) -> DatasetLocator {
        DatasetLocator(root: root, environment: env.map { ["DISTILL_DATA": $0] } ?? [:],
                       home: dir.path + "/home", systemRoots: [dir.path + "/system"])
    }

    @Test func searchOrderRootThenEnvThenCacheThenSystem() throws {
        let dir = TempDir()
        for place in ["root/fashion-mnist", "env/FashionMNIST/raw", "home/.cache/distill/fashion_mnist", "system/fashion-mnist"] {
            Fixture.writeIDXSet(in: dir, folder: place, classes: 10)
        }
        let all = locator(dir, root: dir.path + "/root", env: dir.path + "/env")
        #expect(try all.locate(.fashionMNIST) == dir.path + "/root/fashion-mnist")
        #expect(try locator(dir, env: dir.path + "/env").locate(.fashionMNIST) == dir.path + "/env/FashionMNIST/raw")
        #expect(try locator(dir).locate(.fashionMNIST) == dir.path + "/home/.cache/distill/fashion_mnist")
        try FileManager.default.removeItem(atPath: dir.path + "/home")
        #expect(try locator(dir).locate(.fashionMNIST) == dir.path + "/system/fashion-mnist")
    }

    @Test func explicitRootMayHoldTheFilesDirectly() throws {
        let dir = TempDir()
        Fixture.writeIDXSet(in: dir, folder: "plain", classes: 10)
        #expect(try locator(dir, root: dir.path + "/plain").locate(.kmnist) == dir.path + "/plain")
        // DISTILL_DATA is a root of sub-folders: files directly in it are not taken for a set.
        #expect(throws: DataError.self) { try locator(dir, env: dir.path + "/plain").locate(.kmnist) }
    }

    @Test func envMayListSeveralRoots() throws {
        let dir = TempDir()
        Fixture.writeCIFAR10(in: dir, folder: "b/cifar-10-batches-bin")
        let loc = locator(dir, env: dir.path + "/a:" + dir.path + "/b")
        #expect(try loc.locate(.cifar10) == dir.path + "/b/cifar-10-batches-bin")
    }

    @Test func missingSetListsEveryPlaceAndHowToGetIt() throws {
        let dir = TempDir()
        let loc = locator(dir, root: dir.path + "/given")
        let e = #expect(throws: DataError.self) { try Dataset.load("fashion-mnist", locator: loc) }
        let text = e?.description ?? ""
        for place in loc.places { #expect(text.contains(place.path)) }
        #expect(text.contains("DISTILL_DATA is not set"))
        #expect(text.contains("apt-get install dataset-fashion-mnist"))
        #expect(text.contains("root:"))
        #expect(text.contains("Nothing is downloaded"))
        let c = #expect(throws: DataError.self) { try Dataset.load("cifar10", locator: loc) }
        // Only what a user has: the docs page, the files and the folders they go in.
        let hint = c?.description ?? ""
        #expect(!hint.contains("../shared") && !hint.contains("prepare-cifar10"))
        for part in ["docs/datasets.md", "~/.cache/distill", "cifar-10-batches-bin", "data_batch_1.bin", "test_batch.bin", "cifar10, cifar-10"] {
            #expect(hint.contains(part), "missing \(part)")
        }
    }

    @Test func namesAreForgiving() {
        #expect(KnownDataset(name: "Fashion_MNIST") == .fashionMNIST)
        #expect(KnownDataset(name: "CIFAR-10") == .cifar10)
        #expect(KnownDataset(name: "cifar100") == .cifar100)
        #expect(KnownDataset(name: "svhn") == nil)
    }

    @Test func unknownNameThatIsNoFolder() {
        let dir = TempDir()
        let e = #expect(throws: DataError.self) { try Dataset.load("svhn", locator: locator(dir)) }
        #expect(e?.message.contains("unknown data set 'svhn'") == true)
        #expect(e?.message.contains("did you mean") == false)
    }

    @Test func aMisspeltNameSuggestsTheNearestSet() {
        let dir = TempDir()
        let e = #expect(throws: DataError.self) { try Dataset.load("fashon-mnist", locator: locator(dir)) }
        #expect(e?.message.contains("; did you mean 'fashion-mnist'?") == true)
        #expect(KnownDataset.nearest(to: "mnsit") == .mnist)        // a swap of neighbours
        #expect(KnownDataset.nearest(to: "cifar01") == .cifar10)
        #expect(KnownDataset.nearest(to: "cifra-100") == .cifar100)
        #expect(KnownDataset.nearest(to: "imagenet") == nil)
        #expect(KnownDataset.nearest(to: "") == nil)
    }

    @Test func aFileIsNotAFolder() {
        let dir = TempDir()
        let path = dir.write("plain.txt", [1, 2, 3])
        let e = #expect(throws: DataError.self) { try Dataset.load(path, locator: locator(dir)) }
        #expect(e?.message.contains("a file, not a folder") == true)
    }

    @Test func loadsByNameThroughLocator() throws {
        let dir = TempDir()
        Fixture.writeIDXSet(in: dir, folder: "system/fashion-mnist", classes: 10, gzip: true)
        let ds = try Dataset.load("fashion-mnist", locator: locator(dir))
        #expect(ds.name == "fashion-mnist")
        #expect(ds.provenance.root == dir.path + "/system/fashion-mnist")
        let again = try Dataset.load(provenance: ds.provenance)
        #expect(again == ds)
    }
}
