// The `data` namespace: opening data sets by name or path, and taking subsets of them.
import Datasets
import Distillation
import Exchange
import Foundation
import NeuralNet
import Script
import TensorCore

/// Builtins that open data sets.
public enum DataLibrary {
    public static var namespace: BuiltinNamespace {
        BuiltinNamespace(name: "data", summary: "opening data sets and taking subsets", builtins: [
            Builtin("dataset", parameters: [.required("name"), .named("root")],
                    help: "Opens a data set by name (`mnist`, `fashion-mnist`, `kmnist`, `cifar10`, `cifar100`) or by the path of a folder (IDX files, CIFAR binary batches, or CLASS/*.png images). A `.safetensors` or `.npz` file or a folder written by `export` opens as the set it was (a synthetic set keeps its method, step size, IDC factor, normalisation and ZCA; see docs/export.md). Named sets are looked for in `root`, then the folders in DISTILL_DATA, then ~/.cache/distill, then /usr/share/datasets (Debian's dataset-fashion-mnist). Images are normalised with the published per-channel mean and std. Nothing is downloaded; a missing set is an error that lists where it looked.",
                    example: "data = dataset(\"fashion-mnist\")\nprint(data.train)") { args, _ in
                let name = try args.string(0)
                let root = try args.optionalString("root")
                do {
                    let path = (name as NSString).expandingTildeInPath
                    if root == nil, name.contains("/") || name.contains("."), ExportedSet.isExport(path) { return try openExport(path) }
                    return .host(DatasetObject(try Dataset.load(name, root: root)))
                } catch let error as DataError {
                    throw ScriptError(error.description)
                }
            },
            Builtin("zca", parameters: [.required("data"), .named("eps", default: .number(0.1))],
                    help: "The data set ZCA-whitened, as MTT's CIFAR settings use it: the transform (x - mean) U diag(1/sqrt(lambda + eps)) U^T is fitted on the train split's [0, 1] pixels and applied to both splits. Distil, train and evaluate on the result alike; `grid` undoes the whitening for pictures; session files re-fit it when loaded. `data.zca` is eps, or none.",
                    example: "white = zca(dataset(\"cifar10\"))\nprint(white)") { args, context in
                guard case .host(let object as DatasetObject) = args.value(0) else { throw args.typeError(0, expected: "dataset") }
                let eps = try args.number("eps")
                guard eps > 0, eps.isFinite else { throw args.error(args.index("eps"), "eps must be positive, got \(eps)") }
                context.progress.begin("zca: fitting on \(object.dataset.train.count) images", total: 1)
                defer { context.progress.end(interrupted: false) }
                do {
                    return .host(DatasetObject(try ZCA.whitened(object.dataset, eps: Float(eps)).dataset))
                } catch let error as DataError {
                    throw args.error(0, error.message)
                }
            },
            Builtin("subset", parameters: [.required("data"), .required("per_class").alias("ipc"), .named("split", default: .string("train")), .named("seed")],
                    help: "A random subset with `per_class` images of every class from the data set's train split (or `split=\"test\"`), drawn from `seed` (or the session seed). The result is a split that `train`, `evaluate` and `grid` accept: the random-real baseline of the literature.",
                    example: "few = subset(data, 10, seed=1)\nevaluate(few, data, runs=3)") { args, context in
                let k = try args.integer(1)
                guard k >= 1 else { throw args.error(1, "per_class must be at least 1, got \(k)") }
                let which = try args.string("split")
                let (dataset, _) = try labelledImages(args, 0, callee: "subset")
                let split: DatasetSplit
                do { split = try dataset.split(which) } catch let e as DataError { throw args.error(args.index("split"), e.message) }
                var rng = SeededRNG(seed: try context.seed(args))
                do {
                    let indices = try split.randomIndices(perClass: k, rng: &rng)
                    return .host(SplitObject(try split.selecting(indices), of: dataset, name: "\(which) subset (\(k) per class)",
                                             selection: dataset.provenance(split: which, indices: indices)))
                } catch let e as DataError {
                    throw ScriptError("subset: \(e.message)")
                }
            },
            Builtin("select", parameters: [.required("data"), .required("per_class").alias("ipc"), .named("method", default: .string("herding")),
                                           .named("model"), .named("split", default: .string("train")), .named("seed")],
                    help: "A coreset: `per_class` real images of every class chosen by `method` on the embedding features of `model`: \"random\", \"herding\" (greedy match of the class mean, as DC's baselines), \"kcenter\" (greedy farthest point) or \"kmeans\" (the image nearest each of `per_class` centroids, as DREAM). `model` is a trained model (train(...)) or an architecture, which is then initialised at random from the seed; default convnet(). Returns a split for `train`, `evaluate` and `grid`.",
                    example: "net = train(convnet(), data, epochs=1)\ncore = select(data, 10, method=\"herding\", model=net)\nevaluate(core, data)") { args, context in
                let k = try args.integer(1)
                guard k >= 1 else { throw args.error(1, "per_class must be at least 1, got \(k)") }
                let method = try choice(args, "method", Selection.Method.self)
                let which = try args.string("split")
                let (dataset, _) = try labelledImages(args, 0, callee: "select")
                let split: DatasetSplit
                do { split = try dataset.split(which) } catch let e as DataError { throw args.error(args.index("split"), e.message) }
                var rng = SeededRNG(seed: try context.seed(args))
                var model: Model?
                switch args.value("model") {
                case .none: model = method == .random ? nil : try ModelSpec.convNet3.build(imageShape: dataset.imageShape, classes: dataset.classCount, rng: &rng)
                case .host(let m as ModelObject): model = try m.model ?? m.spec.build(imageShape: dataset.imageShape, classes: dataset.classCount, rng: &rng)
                default: throw args.typeError(args.index("model"), expected: "model")
                }
                let idx = try Selection.select(split, perClass: k, method: method, model: model, rng: &rng, progress: context.progress)
                return .host(SplitObject(try split.selecting(idx), of: dataset, name: "\(which) \(method.rawValue) coreset (\(k) per class)"))
            },
        ] + exportBuiltins)
    }
}
