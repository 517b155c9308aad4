// DM's loop state in a checkpoint: the synthetic images, the SGD momentum buffer, the
// generator and the loss history. The loop itself is in DM.swift.
import TensorCore
import NeuralNet

extension DistributionMatching {
    /// The state after the iterations `result` records.
    static func state(_ images: Tensor, _ optimizer: SGD, _ rng: SeededRNG, _ result: SyntheticSet) -> Checkpoint.State {
        var tensors = ["images": [images]]
        if let v = optimizer.velocity { tensors["velocity"] = v }
        return Checkpoint.State(step: result.iterations, rng: rng, loss: result.loss, tensors: tensors)
    }

    /// Puts a saved state back into the loop's variables, checking it fits this run.
    static func resume(from saved: Checkpoint.State, images: inout Tensor, optimizer: inout SGD, rng: inout SeededRNG,
                       result: inout SyntheticSet, config: DMConfig) throws {
        guard saved.step <= config.iterations else {
            throw TensorError("dm: the checkpoint has \(saved.step) iterations done, more than the \(config.iterations) asked for (HINT: ask for \(saved.step) or more, or give another checkpoint path)")
        }
        guard let saved0 = saved.tensors["images"], saved0.count == 1, saved0[0].shape == images.shape else {
            throw TensorError("dm: the checkpoint's images do not have shape \(images.shape.shapeText)")
        }
        if let v = saved.tensors["velocity"] {
            guard v.count == 1, v[0].shape == images.shape else { throw TensorError("dm: the checkpoint's momentum does not match the images") }
            optimizer.restore(velocity: v)
        }
        images = saved0[0]
        rng = saved.rng
        result.loss = saved.loss
        result.iterations = saved.step
    }
}
