import Testing
import Foundation
import TensorCore
import Datasets
import NeuralNet
import Autograd
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

extension RealData {
    @Test func dmThenEvaluateOnFashionMNIST() throws {
        let env = ProcessInfo.processInfo.environment
        let data = try Dataset.load("fashion-mnist")
        var cfg = DMConfig(ipc: 10)
        cfg.iterations = Int(env["DM_ITERS"] ?? "50") ?? 50
        cfg.seed = 1
        let t0 = Date()
        let syn = try DistributionMatching.run(data, config: cfg)
        let t1 = Date()
        let dsa = try DSA(strategy: DSA.defaultStrategy)
        let epochs = Int(env["EVAL_EPOCHS"] ?? "300") ?? 300
        let result = try Evaluation.run(
            images: syn.images, labels: syn.labels, testImages: data.test.images, testLabels: data.test.labels,
            config: .evaluation(epochs: epochs), runs: 1, seed: 2,
            makeModel: { try ModelSpec.convNet3.build(imageShape: data.imageShape, classes: 10, rng: &$0) },
            augment: { x, rng in try GradMode.withoutGrad { try dsa.apply(Variable(x), rng: &rng).value } })
        print("DM \(cfg.iterations) its: \(t1.timeIntervalSince(t0)) s; eval \(Date().timeIntervalSince(t1)) s; \(result.summary)")
    }
}
