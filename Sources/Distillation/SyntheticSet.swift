// SyntheticSet: the product of a distillation run. Images live in the data set's normalised
// space; labels are class-major (ipc images of class 0, then class 1, ...).
import Datasets
import NeuralNet
import TensorCore

/// A distilled set of labelled images, with what is needed to evaluate, picture and resume it.
public struct SyntheticSet: Sendable {
    /// Stored images [classes * ipc, c, h, w] (normalised space).
    public var images: Tensor
    public var labels: [Int]
    public var ipc: Int
    public var classNames: [String]
    public var normalization: Normalization
    /// Method that made it (`dm`, `dc`, `dsa`, ...), and its settings as text.
    public var method: String
    public var settings: [String: String]
    /// Iterations done, and the loss after each one.
    public var iterations: Int
    public var loss: [Float]
    /// True when Ctrl-C stopped the run before the requested iterations.
    public var interrupted: Bool
    /// True when the run's wall-clock budget ended it before the requested iterations.
    public var budgetSpent = false
    /// Set when the optimisation diverged: which iteration made the images non-finite. The set
    /// then holds the images of the iteration before (the last finite ones).
    public var diverged: String?
    /// Set when the run's last checkpoint save failed (the run went on; the file is stale).
    public var checkpointFailure: String?
    /// Learned training learning rate (MTT), used by evaluation when present.
    public var learnedLR: Float? {
        get { artifacts.learnedStepSize }
        set { artifacts.learnedStepSize = newValue }
    }
    /// What the method left besides the images, typed (step sizes, formation factor, seed).
    public var artifacts = MethodArtifacts()
    /// The state of the run's last complete iteration, so `RunControl.resume` can continue it.
    public var run: RunRecord?

    public var classCount: Int { classNames.count }
    public var imageShape: [Int] { Array(images.shape.dropFirst()) }

    public init(images: Tensor, labels: [Int], ipc: Int, classNames: [String], normalization: Normalization,
                method: String, settings: [String: String] = [:]) {
        self.images = images
        self.labels = labels
        self.ipc = ipc
        self.classNames = classNames
        self.normalization = normalization
        self.method = method
        self.settings = settings
        self.iterations = 0
        self.loss = []
        self.interrupted = false
    }

    /// Class-major labels for `classes` classes with `ipc` images each.
    public static func classMajorLabels(classes: Int, ipc: Int) -> [Int] {
        (0..<classes).flatMap { [Int](repeating: $0, count: ipc) }
    }
}

/// How synthetic images start.
public enum SyntheticInit: String, Codable, Sendable, CaseIterable {
    /// Random real images of each class (DM, DSA, MTT default).
    case real
    /// Standard normal noise in normalised space (DC default).
    case noise
    /// DREAM's initialisation: per class, k-means with `ipc` centres on a fresh network's
    /// embeddings of the class's images; the image nearest each centre.
    case kmeans
}

extension SyntheticSet {
    /// The data error of a class with fewer training images than a method starts from.
    static func fewerImages(_ split: DatasetSplit, _ c: Int, _ ipc: Int) -> DistillError {
        DistillError(.data, "distill: class \(c) has \(split.classIndex[c].count) training images, fewer than ipc \(ipc)", argument: "ipc")
    }

    /// Starting images for `ipc` per class drawn from `split`; `model` is the network whose
    /// embeddings k-means clusters (`.kmeans` only).
    static func initialImages(_ split: DatasetSplit, ipc: Int, classes: Int, mode: SyntheticInit,
                              model: ModelSpec = .convNet3, rng: inout SeededRNG) throws -> Tensor {
        guard ipc >= 1 else { throw DistillError.setting("ipc", "distill: ipc must be at least 1, got \(ipc)") }
        switch mode {
        case .kmeans:
            let net = try model.build(imageShape: split.imageShape, classes: classes, rng: &rng)
            var idx: [Int] = []
            for c in 0..<classes {
                guard split.classIndex[c].count >= ipc else { throw fewerImages(split, c, ipc) }
                idx += try DREAM.representatives(net, split: split, ofClass: c, count: ipc, rng: &rng)
            }
            return try split.gather(idx).images
        case .noise:
            return try Tensor.randn([classes * ipc] + split.imageShape, rng: &rng)
        case .real:
            var idx: [Int] = []
            for c in 0..<classes {
                guard split.classIndex[c].count >= ipc else { throw fewerImages(split, c, ipc) }
                idx += try split.randomIndices(ofClass: c, count: ipc, rng: &rng)
            }
            return try split.gather(idx).images
        }
    }
}
