import Testing
import Foundation
import TensorCore
import Data
import NeuralNet
@testable import Distillation

/// Slow checks on the real data sets; run with DISTILL_SLOW=1.
let slow = ProcessInfo.processInfo.environment["DISTILL_SLOW"] == "1"

@Suite(.enabled(if: slow)) struct RealData {
    @Test func dmIterationsOnFashionMNIST() throws {
        let data = try Dataset.load("fashion-mnist")
        var cfg = DMConfig(ipc: 10)
        cfg.iterations = Int(ProcessInfo.processInfo.environment["DM_ITERS"] ?? "5") ?? 5
        cfg.seed = 1
        let t0 = Date()
        let syn = try DistributionMatching.run(data, config: cfg)
        let dt = Date().timeIntervalSince(t0)
        print("DM fmnist ipc10: \(cfg.iterations) its in \(dt) s (\(dt / Double(cfg.iterations)) s/it); loss \(syn.loss.prefix(3)) ... \(syn.loss.suffix(3))")
    }
}
