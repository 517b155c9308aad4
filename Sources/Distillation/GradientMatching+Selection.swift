// Which real images a matching step sees: a fresh random batch per class (DC, DSA, IDC), or
// DREAM's representatives, re-chosen every few steps (the k-means part lives in DREAM.swift).
import Data
import NeuralNet
import TensorCore

/// How the real batch of each class is chosen for a matching step.
public enum RealSelection: Codable, Equatable, Sendable, CustomStringConvertible {
    /// A fresh random batch per class and step (the reference methods).
    case random

    public var description: String {
        switch self {
        case .random: return "random"
        }
    }

    func validate(method: String) throws {}
}

/// Draws per-class real batches under a `RealSelection`, keeping what it needs between steps.
struct RealBatchSelector {
    let selection: RealSelection

    init(_ selection: RealSelection, classes: Int) {
        self.selection = selection
    }

    /// Called before each matching step `step` (counted from 0 within one network).
    mutating func refresh(step: Int, net: Model, split: DatasetSplit, batch: Int, rng: inout SeededRNG) throws {}

    /// The real images of class `c` for this step: `count` of them (fewer if the class is smaller).
    func batch(ofClass c: Int, split: DatasetSplit, count: Int, rng: inout SeededRNG) throws -> Tensor {
        try split.sample(ofClass: c, count: Swift.min(count, split.classIndex[c].count), rng: &rng)
    }
}
