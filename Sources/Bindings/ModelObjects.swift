// Host objects for networks: an architecture (ModelSpec) that may carry trained weights, and
// the result of an evaluation (accuracies over runs).
import Foundation
import NeuralNet
import Script
import TensorCore

/// A network in the language: its architecture, and weights once trained.
final class ModelObject: HostObject {
    let spec: ModelSpec
    var model: Model?
    var history: TrainHistory?
    /// Whether `weights=` chose the initialisation (else a method may use its own, as DD's Xavier).
    let weightsGiven: Bool
    init(_ spec: ModelSpec, model: Model? = nil, weightsGiven: Bool = true) {
        self.spec = spec
        self.model = model
        self.weightsGiven = weightsGiven
    }

    var typeName: String { "model" }

    var summary: String {
        guard let model else { return "\(spec) (untrained; built for the data it is used with)" }
        var s = "\(model.name): \(model.parameterCount) parameters, input \(model.inputShape.map(String.init).joined(separator: "x")), \(model.classes) classes"
        if let h = history, let loss = h.loss.last, let acc = h.accuracy.last {
            s += String(format: ", trained %d epochs (loss %.4f, train accuracy %.1f %%)", h.loss.count, loss, acc * 100)
        }
        if let d = history?.diverged { s += ", training \(d.description) [weights not usable]" }
        return s
    }

    var memberNames: [String] { ["name", "parameters", "loss", "train_accuracy"] }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "name": return .string(model?.name ?? spec.description)
        case "parameters": return model.map { .number(Double($0.parameterCount)) } ?? Value.none
        case "loss": return .list((history?.loss ?? []).map(numberValue))
        case "train_accuracy": return .list((history?.accuracy ?? []).map(numberValue))
        default: return nil
        }
    }
}

/// The outcome of `evaluate`: test accuracy of each run, with mean and std.
final class ResultObject: HostObject {
    let result: EvaluationResult
    init(_ result: EvaluationResult) { self.result = result }

    var typeName: String { "result" }
    var summary: String { result.summary }
    var memberNames: [String] { ["accuracies", "mean", "std", "runs", "epochs", "model", "protocol", "validation", "lr"] }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "accuracies": return .list(result.accuracies.map(numberValue))
        case "mean": return numberValue(result.mean)
        case "std": return numberValue(result.std)
        case "runs": return .number(Double(result.accuracies.count))
        case "epochs": return .number(Double(result.epochs))
        case "model": return .string(result.architecture)
        case "protocol": return result.protocolName.map { Value.string($0) } ?? Value.none
        case "validation": return result.validationAccuracies.map { .list($0.map(numberValue)) } ?? Value.none
        case "lr": return result.sweep.map { numberValue($0.chosen) } ?? Value.none
        default: return nil
        }
    }
}
