// The `evaluate` builtin's body: one model (`model=`, default ConvNet-3), or several
// (`models=[...]`, cross-architecture) each trained by the same protocol, with validation,
// learning-rate sweeps and checkpoints where they apply.
import Cluster
import Datasets
import Distillation
import NeuralNet
import Script
import TensorCore

extension DistillLibrary {
    static func evaluate(_ args: Arguments, context: CallContext) throws -> Value {
        let (setDataset, images, labels) = try trainingSet(args, 0)
        let dataset = try datasetArgument(args, 1)
        try checkComparable(args, set: setDataset, data: dataset)
        let choice = try evaluationChoice(args)
        if let dd = try evaluateDD(args, choice: choice, dataset: dataset, context: context) { return dd }
        let runs = try args.integer("runs")
        guard runs >= 1 && runs <= 1000 else { throw args.error(args.index("runs"), "runs must be 1 to 1000, got \(runs)") }
        guard args.isGiven("models") else {
            let result = try evaluate(try modelArgument(args), images: images, labels: labels, dataset: dataset, choice: choice,
                                      runs: runs, args, context: context)
            return .host(ResultObject(result))
        }
        let specs = try modelList(args)
        for name in ["model", "checkpoint"] where args.isGiven(name) {
            throw args.error(args.index(name), "\(name)= does not combine with models=")
        }
        var results: [EvaluationResult] = []
        for spec in specs {
            results.append(try evaluate(spec, images: images, labels: labels, dataset: dataset, choice: choice, runs: runs, args, context: context))
            if results.last!.interrupted { break }
        }
        return .host(CrossArchitectureObject(results))
    }

    /// The models of `models=[...]`: one to twenty, each a model.
    static func modelList(_ args: Arguments) throws -> [ModelSpec] {
        let values = try args.list("models")
        guard !values.isEmpty, values.count <= 20 else { throw args.error(args.index("models"), "models takes 1 to 20 models, got \(values.count)") }
        return try values.enumerated().map { i, v in
            guard case .host(let m as ModelObject) = v else {
                throw args.error(args.index("models"), "models[\(i)] is \(v.typeName), not a model")
            }
            return m.spec
        }
    }

    /// `evaluate` with one model.
    static func evaluate(_ spec: ModelSpec, images: Tensor, labels: [Int], dataset: Dataset, choice: EvaluationChoice, runs: Int,
                         _ args: Arguments, context: CallContext) throws -> EvaluationResult {
        var setup: EvaluationSetup
        if case .named(let proto) = choice {
            setup = try protocolSetup(proto, args, dataset: dataset, labels: labels, model: spec)
        } else {
            setup = try standardSetup(args, dataset: dataset)
        }
        setup.config.batchSize = clampedBatch(setup.config.batchSize, "batch", most: labels.count, of: "images of the set", args, context)
        let seed = try context.seed(args)
        let checkpoint = try checkpointArgument(args)
        let candidates = try learningRateCandidates(args)
        if candidates != nil, checkpoint != nil {
            throw args.error(args.index("checkpoint"), "checkpoint= does not combine with a learning-rate sweep")
        }
        let validation = try validationImages(args, dataset: dataset, seed: seed, sweep: candidates != nil)
        let hook = try checkpoint?.evaluationHook(
            config: RunIdentity(model: spec, train: setup.config, aug: setup.identity, seed: seed, data: dataset.name, images: labels.count),
            runs: runs)
        var result = try evaluateWithSweep(candidates, config: setup.config, validation: validation) { config, held in
            try Evaluation.run(
                images: images, labels: labels, testImages: dataset.test.images, testLabels: dataset.test.labels,
                config: config, runs: runs, seed: seed,
                makeModel: { try spec.build(imageShape: dataset.imageShape, classes: dataset.classCount, rng: &$0) },
                augment: setup.augment, mix: setup.mix, progress: context.progress, hook: hook, validation: held,
                team: context.team)
        }
        if let recipe = setup.recipe {
            result.protocolName = recipe.evaluationProtocol.rawValue
            result.epochs = recipe.epochs
        }
        if let d = result.diverged {
            let which = args.isGiven("models") ? "\(result.architecture): " : ""
            context.output.write("warning: evaluate: \(which)training \(d); the result has no accuracy (HINT: lower lr)\n")
        }
        warnIfNotSaved(checkpoint, "evaluate", context)
        return result
    }
}

/// What `evaluate(..., models=[...])` returns: one result per architecture, as a table.
final class CrossArchitectureObject: HostObject {
    let results: [EvaluationResult]
    init(_ results: [EvaluationResult]) { self.results = results }

    var typeName: String { "table" }

    var summary: String {
        func pct(_ v: Float) -> String { v.isFinite ? String(format: "%.1f", Double(v) * 100) : "no result" }
        var lines = ["| model | test accuracy % | runs | protocol, epochs |", "|---|---|---|---|"]
        for r in results {
            let acc = r.diverged != nil ? "diverged" : "\(pct(r.mean)) ± \(pct(r.std))"
            lines.append("| \(r.architecture) | \(acc)\(r.interrupted ? " [interrupted]" : "") | \(r.accuracies.count) | \(r.protocolName ?? "standard"), \(r.epochs) |")
        }
        return lines.joined(separator: "\n")
    }

    var memberNames: [String] { ["rows", "results", "models"] }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "rows": return .list(results.map { .list([.string($0.architecture), numberValue($0.mean), numberValue($0.std)]) })
        case "results": return .list(results.map { .host(ResultObject($0)) })
        case "models": return .list(results.map { .string($0.architecture) })
        default: return nil
        }
    }

    var length: Int? { results.count }
}
