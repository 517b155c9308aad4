// Loading a data set by name or path: named sets through DatasetLocator and the IDX or CIFAR
// reader, folders by what they hold; reloading from provenance. Nothing is downloaded.
import Foundation
import TensorCore

extension Dataset {
    /// Loads a named set (`mnist`, `fashion-mnist`, `kmnist`, `cifar10`, `cifar100`) from the
    /// first place that holds it, or a folder given by path (IDX files, CIFAR batches, or
    /// `CLASS/*.png` image folders).
    /// A leading `~` in a path or root is the home folder; write `./mnist` for a folder that
    /// shares a set's name.
    public static func load(_ nameOrPath: String, root: String? = nil) throws -> Dataset {
        try load(nameOrPath, locator: DatasetLocator(root: root.map { ($0 as NSString).expandingTildeInPath }))
    }

    /// `load(_:root:)` with an explicit search (tests pass their own environment and places).
    public static func load(_ nameOrPath: String, locator: DatasetLocator) throws -> Dataset {
        if !nameOrPath.contains("/"), let set = KnownDataset(name: nameOrPath) {
            return try load(set, from: locator.locate(set))
        }
        let path = (nameOrPath as NSString).expandingTildeInPath
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        guard exists, isDir.boolValue else {
            let names = KnownDataset.allCases.map(\.rawValue).joined(separator: ", ")
            let found = exists ? "a file, not a folder" : "no such folder"
            let guess = nameOrPath.contains("/") ? nil : KnownDataset.nearest(to: nameOrPath)
            let question = guess.map { "; did you mean '\($0.rawValue)'?" } ?? ""
            throw DataError("unknown data set '\(nameOrPath)': not one of \(names), and \(found)\(question)",
                            hint: "give a known name or the path of a folder of IDX files, CIFAR batches or CLASS/*.png images")
        }
        return try loadFolder(path)
    }

    /// Reads the named set `set` from `folder`, which must hold its files directly.
    public static func load(_ set: KnownDataset, from folder: String) throws -> Dataset {
        let norm = set.normalization
        let (train, test, names) = try readSplits(set.format, folder: folder, classCount: set.classCount, normalization: norm)
        let prov = DatasetProvenance(source: set.rawValue, root: folder, transform: DatasetProvenance.transformText(norm))
        return try Dataset(name: set.rawValue, classNames: names ?? set.defaultClassNames, normalization: norm,
                           train: train, test: test, provenance: prov)
    }

    /// A data set from a folder given by path: IDX files or CIFAR batches (with the named set's
    /// constants when the folder's name is one of that set's usual names, else constants
    /// measured on the train split), or an image folder.
    static func loadFolder(_ path: String) throws -> Dataset {
        let folder = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let format = KnownDataset.allCases.first(where: { DatasetLocator.holds($0, folder: folder) })?.format else {
            return try ImageFolderReader.read(folder)
        }
        let named = KnownDataset.allCases.first { set in
            set.format == format && set.folderNames.contains { folder.hasSuffix("/" + $0) || folder == $0 }
        }
        if let named { return try load(named, from: folder) }
        return try loadUnnamed(format, folder: folder)
    }

    /// An IDX or CIFAR folder not named after a known set: normalised with statistics of its
    /// own train split; class count from the labels (IDX) or the format (CIFAR).
    static func loadUnnamed(_ format: KnownDataset.Format, folder: String) throws -> Dataset {
        let channels = format == .idx ? 1 : 3
        let plain = Normalization(mean: [Float](repeating: 0, count: channels), std: [Float](repeating: 1, count: channels))
        let classCount: Int? = format == .idx ? nil : (format == .cifar10 ? 10 : 100)
        let (train01, test01, names) = try readSplits(format, folder: folder, classCount: classCount, normalization: plain)
        let measured = try Normalization.measured(pixels01: train01.images)
        func normalize(_ s: DatasetSplit) throws -> DatasetSplit {
            try DatasetSplit(images: measured.normalized(s.images), labels: s.labels, classCount: s.classCount)
        }
        let classNames = names ?? (format == .cifar100 ? KnownDataset.cifar100.defaultClassNames
                                   : (0..<train01.classCount).map(String.init))
        let prov = DatasetProvenance(source: folder, root: folder, transform: DatasetProvenance.transformText(measured))
        return try Dataset(name: (folder as NSString).lastPathComponent, classNames: classNames, normalization: measured,
                           train: normalize(train01), test: normalize(test01), provenance: prov)
    }

    /// The train and test splits of a folder in `format`, and class names when the files carry them.
    static func readSplits(_ format: KnownDataset.Format, folder: String, classCount: Int?,
                           normalization norm: Normalization) throws -> (DatasetSplit, DatasetSplit, [String]?) {
        switch format {
        case .idx:
            let (train, test) = try readIDXSplits(folder, classCount: classCount, normalization: norm)
            return (train, test, nil)
        case .cifar10:
            let trainFiles = (1...5).map { folder + "/data_batch_\($0).bin" }
            try requireFiles(trainFiles + [folder + "/test_batch.bin"], set: "cifar10")
            let train = try CIFARReader.readSplit(files: trainFiles, labelBytes: 1, classCount: 10, normalization: norm)
            let test = try CIFARReader.readSplit(files: [folder + "/test_batch.bin"], labelBytes: 1, classCount: 10, normalization: norm)
            return (train, test, try CIFARReader.classNames(file: folder + "/batches.meta.txt", expected: 10))
        case .cifar100:
            try requireFiles([folder + "/train.bin", folder + "/test.bin"], set: "cifar100")
            let train = try CIFARReader.readSplit(files: [folder + "/train.bin"], labelBytes: 2, classCount: 100, normalization: norm)
            let test = try CIFARReader.readSplit(files: [folder + "/test.bin"], labelBytes: 2, classCount: 100, normalization: norm)
            return (train, test, try CIFARReader.classNames(file: folder + "/fine_label_names.txt", expected: 100))
        }
    }

    /// The train and test splits of an IDX folder.
    static func readIDXSplits(_ folder: String, classCount: Int?, normalization: Normalization) throws
        -> (DatasetSplit, DatasetSplit) {
        func find(_ prefix: String, _ kind: String) throws -> String {
            guard let f = IDXReader.findFile(in: folder, prefix: prefix, kind: kind) else {
                throw DataError("\(folder): missing \(prefix)-\(kind)-ubyte (or .gz)",
                                hint: "an IDX data set needs train- and t10k- image and label files")
            }
            return f
        }
        let train = try IDXReader.readSplit(images: find("train", "images-idx3"), labels: find("train", "labels-idx1"),
                                            classCount: classCount, normalization: normalization)
        // The train split's labels fix the classes (files without a known set's count).
        let test = try IDXReader.readSplit(images: find("t10k", "images-idx3"), labels: find("t10k", "labels-idx1"),
                                           classCount: classCount ?? train.classCount, normalization: normalization)
        return (train, test)
    }

    private static func requireFiles(_ files: [String], set: String) throws {
        for f in files where !FileManager.default.fileExists(atPath: f) {
            throw DataError("\(set): missing \(f)", hint: "the data set's folder is incomplete; \(KnownDataset(name: set)?.howToGet ?? "")")
        }
    }
}

extension Dataset {
    /// Loads the data set a provenance record names, from the root it records.
    public static func load(provenance p: DatasetProvenance) throws -> Dataset {
        let base: Dataset
        if let set = KnownDataset(name: p.source), !p.source.contains("/") {
            base = try load(set, from: p.root)
        } else {
            base = try loadFolder(p.root)
        }
        guard let eps = p.zcaEps else { return base }
        return try ZCA.whitened(base, eps: eps).dataset
    }

    /// The images and labels a provenance record selects (its split, and its indices if any).
    public func selection(_ p: DatasetProvenance) throws -> DatasetSplit {
        let s = try split(p.split ?? "train")
        guard let indices = p.indices else { return s }
        return try s.selecting(indices)
    }

    /// A provenance record for `indices` of split `split` of this data set.
    public func provenance(split: String, indices: [Int]?) -> DatasetProvenance {
        var p = provenance
        p.split = split
        p.indices = indices
        return p
    }
}
