// The synthetic set in the language: what `distill(...)` returns. Tensor members come
// through `tensorValue`; pictures through the grid builtin.
import Datasets
import Distillation
import Foundation
import Script
import TensorCore

final class SyntheticObject: HostObject {
    var synthetic: SyntheticSet
    let dataset: Dataset
    init(_ set: SyntheticSet, dataset: Dataset) {
        self.synthetic = set
        self.dataset = dataset
    }

    var typeName: String { "synthetic" }

    var summary: String {
        let s = synthetic
        var text = "\(s.method.uppercased()) synthetic set of \(dataset.name): \(s.ipc) per class x \(s.classCount) classes = \(s.labels.count) images, \(s.imageShape.map(String.init).joined(separator: "x")), \(s.iterations) iterations"
        if let last = s.loss.last { text += String(format: ", final loss %.4g", last) }
        if s.interrupted { text += " [interrupted]" }
        if s.budgetSpent { text += " [budget spent]" }
        if let d = s.diverged { text += " [diverged: \(d)]" }
        if let f = s.checkpointFailure { text += " [\(f)]" }
        return text
    }

    var memberNames: [String] { ["images", "labels", "ipc", "loss", "method", "iterations", "settings", "interrupted", "budget_spent", "classes", "protocol"] }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "images": return tensorValue(synthetic.images)
        case "labels": return .list(synthetic.labels.map { .number(Double($0)) })
        case "ipc": return .number(Double(synthetic.ipc))
        case "loss": return .list(synthetic.loss.map(numberValue))
        case "method": return .string(synthetic.method)
        case "iterations": return .number(Double(synthetic.iterations))
        case "interrupted": return .bool(synthetic.interrupted)
        case "budget_spent": return .bool(synthetic.budgetSpent)
        case "classes": return .list(synthetic.classNames.map { .string($0) })
        case "protocol": return .string(synthetic.evaluationProtocol.rawValue)
        case "settings":
            return .list(synthetic.settings.keys.sorted().map { .string("\($0)=\(synthetic.settings[$0] ?? "")") })
        default: return nil
        }
    }

    var length: Int? { synthetic.labels.count }
}
