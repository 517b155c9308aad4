// `export(set, PATH)`: a synthetic set, split or subset written as .safetensors, .npz or an image
// folder (docs/export.md), and the reading side that `dataset(PATH)` uses for such files.
import Datasets
import Distillation
import Exchange
import Foundation
import Script
import TensorCore

extension DataLibrary {
    /// The program's version, written into exports (and shown by the REPL).
    public static let version = "0.1.0"

    static var exportBuiltins: [Builtin] {
        [
            Builtin("export", parameters: [.required("set"), .required("path")],
                    help: "Writes a synthetic set, split or subset where PyTorch and NumPy can read it, the format chosen by the path: `.safetensors` (Hugging Face's format), `.npz` (NumPy's), or a folder (a path ending in / or without an extension: CLASS_NAME/*.png, labels.csv and meta.json, readable by torchvision's ImageFolder). Arrays: `images` (as stored: normalised, or whitened), `pixels` (in [0, 1]), `labels`, `learned_step_size` (MTT), `learned_steps` (DD) and `zca_mean`, `zca_whitening`, `zca_coloring` (whitened sets); the description (data set, classes, normalisation, method and settings, seed, iterations, IDC's factor, protocol) is meta.json or __metadata__[\"distillery\"]. The write is atomic: an existing file is replaced only when it succeeded. `dataset(PATH)` opens the export again. See docs/export.md.",
                    example: "export(syn, \"out/dm_fashion.safetensors\")\nback = dataset(\"out/dm_fashion.safetensors\")") { args, context in
                let set = try exportedSet(args, 0)
                let path = (try args.string(1) as NSString).expandingTildeInPath
                do { try set.write(to: path) } catch let e as DataError { throw args.error(1, e.inlineText) }
                let format = (try? ExportedSet.format(of: path)) ?? .folder
                context.output.write("wrote \(path) (\(format.rawValue), \(set.labels.count) images of \(set.metadata.classes.count) classes)\n")
                return .none
            },
        ]
    }

    /// The set an argument of `export` stands for.
    static func exportedSet(_ args: Arguments, _ i: Int) throws -> ExportedSet {
        let data: Dataset, images: Tensor, labels: [Int]
        var synthetic: SyntheticSet?
        switch args.value(i) {
        case .host(let s as SyntheticObject): (data, images, labels, synthetic) = (s.dataset, s.synthetic.images, s.synthetic.labels, s.synthetic)
        case .host(let s as SplitObject): (data, images, labels) = (s.dataset, s.split.images, s.split.labels)
        default: throw args.typeError(i, expected: "synthetic set or split")
        }
        var meta = ExportMetadata(distillery: version, dataset: data.name, classes: data.classNames, imageShape: Array(images.shape.dropFirst()),
                                  count: labels.count, normalization: data.normalization,
                                  evaluationProtocol: synthetic?.evaluationProtocol.rawValue ?? EvaluationProtocol.dc.rawValue)
        meta.zcaEps = data.whitening?.eps
        if let s = synthetic {
            meta.method = s.method
            meta.settings = s.settings
            meta.iterations = s.iterations
            meta.ipc = s.ipc
            meta.seed = s.artifacts.seed
            meta.learnedStepSize = s.artifacts.learnedStepSize
            meta.formationFactor = s.artifacts.formationFactor
            meta.learnedSteps = s.artifacts.learnedSteps
        }
        do {
            return try ExportedSet(metadata: meta, images: images, labels: labels, whitening: data.whitening, file: "export")
        } catch let e as DataError { throw args.error(i, e.inlineText) }
    }

    /// An export opened as what it was: a synthetic set when it names a method (so evaluation
    /// uses its step size, IDC factor and augmentation), else a data set whose train split it is.
    static func openExport(_ path: String) throws -> Value {
        let set = try ExportedSet.read(path)
        let data = try set.dataset(path: path)
        guard let method = set.metadata.method else { return .host(DatasetObject(data)) }
        let ipc = set.metadata.ipc ?? max(1, set.labels.count / max(1, set.metadata.classes.count))
        var syn = SyntheticSet(images: set.images, labels: set.labels, ipc: ipc, classNames: set.metadata.classes,
                               normalization: set.normalization, method: method, settings: set.metadata.settings)
        syn.iterations = set.metadata.iterations ?? 0
        syn.artifacts.seed = set.metadata.seed
        syn.artifacts.learnedStepSize = set.metadata.learnedStepSize
        syn.artifacts.formationFactor = set.metadata.formationFactor
        syn.artifacts.learnedSteps = set.metadata.learnedSteps
        syn.artifacts.evaluationProtocol = EvaluationProtocol(name: set.metadata.evaluationProtocol)
        return .host(SyntheticObject(syn, dataset: data))
    }
}
