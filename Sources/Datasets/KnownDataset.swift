// The named data sets: their published normalisation constants, class names, file format, the
// folder names they usually live under, and how to get them. Searching is DatasetLocator's job.

/// A data set Distillery knows by name.
public enum KnownDataset: String, CaseIterable, Sendable {
    case mnist = "mnist"
    case fashionMNIST = "fashion-mnist"
    case kmnist = "kmnist"
    case cifar10 = "cifar10"
    case cifar100 = "cifar100"

    /// On-disk layout of a named set.
    public enum Format: Sendable { case idx, cifar10, cifar100 }

    /// The set called `name` (case-insensitive; `fashion_mnist`, `cifar-10` and similar spellings
    /// are accepted), or nil.
    public init?(name: String) {
        let key = name.lowercased().filter { $0.isLetter || $0.isNumber }
        guard let match = KnownDataset.allCases.first(where: { $0.rawValue.filter { $0.isLetter || $0.isNumber } == key }) else {
            return nil
        }
        self = match
    }

    /// The known set whose name is within two edits of `name` (letters and digits only, a swap
    /// of neighbours counting one edit), for "did you mean": `fashon-mnist` gives fashion-mnist.
    /// Script's `Suggestions` does the same for names in scripts; Data cannot import Script.
    public static func nearest(to name: String) -> KnownDataset? {
        let key = Array(name.lowercased().filter { $0.isLetter || $0.isNumber })
        guard key.count <= 64 else { return nil }
        func distance(_ y: [Character]) -> Int {
            var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: key.count + 1)
            for i in 0...key.count { d[i][0] = i }
            for j in 0...y.count { d[0][j] = j }
            for i in stride(from: 1, through: key.count, by: 1) {
                for j in stride(from: 1, through: y.count, by: 1) {
                    d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (key[i - 1] == y[j - 1] ? 0 : 1))
                    if i > 1, j > 1, key[i - 1] == y[j - 2], key[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
                }
            }
            return d[key.count][y.count]
        }
        let scored = allCases.map { ($0, distance(Array($0.rawValue.filter { $0.isLetter || $0.isNumber }))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= min(2, max(1, key.count / 3)) else { return nil }
        return best.0
    }

    public var format: Format {
        switch self {
        case .mnist, .fashionMNIST, .kmnist: return .idx
        case .cifar10: return .cifar10
        case .cifar100: return .cifar100
        }
    }

    /// The per-channel constants every published dataset-distillation table uses
    /// (the reference code's `get_dataset`; REFERENCE.md §2.1).
    public var normalization: Normalization {
        switch self {
        case .mnist: return Normalization(mean: [0.1307], std: [0.3081])
        case .fashionMNIST: return Normalization(mean: [0.2861], std: [0.3530])
        case .kmnist: return Normalization(mean: [0.1918], std: [0.3483])
        case .cifar10: return Normalization(mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.2010])
        case .cifar100: return Normalization(mean: [0.5071, 0.4866, 0.4409], std: [0.2673, 0.2564, 0.2762])
        }
    }

    public var classCount: Int { self == .cifar100 ? 100 : 10 }

    /// Class names used when the files carry none (IDX never does; CIFAR's text files may be absent).
    public var defaultClassNames: [String] {
        switch self {
        case .mnist: return (0..<10).map(String.init)
        case .fashionMNIST:
            return ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        case .kmnist: return ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
        case .cifar10:
            return ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
        case .cifar100: return KnownDataset.cifar100FineNames
        }
    }

    /// Sub-folders of a data root that may hold the files, most specific spelling first.
    public var folderNames: [String] {
        switch self {
        case .mnist: return ["mnist", "MNIST", "MNIST/raw", "mnist/raw"]
        case .fashionMNIST:
            return ["fashion-mnist", "fashion_mnist", "FashionMNIST", "FashionMNIST/raw", "fashion-mnist/raw"]
        case .kmnist: return ["kmnist", "KMNIST", "KMNIST/raw", "kmnist/raw"]
        case .cifar10:
            return ["cifar-10-batches-bin", "cifar10", "cifar-10", "CIFAR10",
                    "cifar10/cifar-10-batches-bin", "cifar-10/cifar-10-batches-bin"]
        case .cifar100:
            return ["cifar-100-binary", "cifar100", "cifar-100", "CIFAR100",
                    "cifar100/cifar-100-binary", "cifar-100/cifar-100-binary"]
        }
    }

    /// The file whose presence marks a folder as holding this set.
    public var markerFiles: [String] {
        switch format {
        case .idx: return ["train-images-idx3-ubyte", "train-images-idx3-ubyte.gz"]
        case .cifar10: return ["data_batch_1.bin"]
        case .cifar100: return ["train.bin"]
        }
    }

    /// How to get this set, for the missing-data-set error: which files, where they go, and
    /// the page of the docs that says more. Only places a user has are named.
    public var howToGet: String {
        let folders = folderNames.filter { !$0.contains("/") }.joined(separator: ", ")
        let rootAdvice = "or pass root=\"DIR\" to dataset() (or set DISTILL_DATA=DIR) where DIR holds the files or a sub-folder named \(folderNames[0]); "
            + "the sub-folders searched under each data root are \(folders); see docs/datasets.md"
        let idxFiles = "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz"
        switch self {
        case .fashionMNIST:
            return "install it with `sudo apt-get install dataset-fashion-mnist` (files in /usr/share/datasets/fashion-mnist), " + rootAdvice
        case .mnist:
            return "put the four MNIST IDX files (\(idxFiles), gzip or not) in ~/.cache/distill/mnist, " + rootAdvice
        case .kmnist:
            return "put the four KMNIST IDX files (\(idxFiles), gzip or not) in ~/.cache/distill/kmnist, " + rootAdvice
        case .cifar10:
            return "unpack the CIFAR-10 binary version (cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html) in ~/.cache/distill, "
                + "which makes ~/.cache/distill/cifar-10-batches-bin with data_batch_1.bin ... data_batch_5.bin, test_batch.bin and batches.meta.txt, " + rootAdvice
        case .cifar100:
            return "unpack the CIFAR-100 binary version (cifar-100-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html) in ~/.cache/distill, "
                + "which makes ~/.cache/distill/cifar-100-binary with train.bin, test.bin and fine_label_names.txt, " + rootAdvice
        }
    }

    /// CIFAR-100's fine labels in label order (alphabetical, as in `fine_label_names.txt`).
    static let cifar100FineNames: [String] = """
        apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus \
        butterfly camel can castle caterpillar cattle chair chimpanzee clock cloud cockroach couch \
        crab crocodile cup dinosaur dolphin elephant flatfish forest fox girl hamster house kangaroo \
        keyboard lamp lawn_mower leopard lion lizard lobster man maple_tree motorcycle mountain mouse \
        mushroom oak_tree orange orchid otter palm_tree pear pickup_truck pine_tree plain plate poppy \
        porcupine possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk skyscraper \
        snail snake spider squirrel streetcar sunflower sweet_pepper table tank telephone television \
        tiger tractor train trout tulip turtle wardrobe whale willow_tree wolf woman worm
        """.split(separator: " ").map(String.init)
}
