// The loop state every image-optimising method keeps between iterations, in a checkpoint:
// the synthetic images (pixels for IDC), the SGD momentum buffer, the generator and the loss
// history. DM, DC/DSA and IDC/DREAM all resume through these two functions.
import TensorCore
import NeuralNet

/// Saving and restoring an image-optimisation loop at an iteration boundary.
enum ImageLoopState {
    /// The state after the iterations `result` records.
    static func state(_ images: Tensor, _ optimizer: SGD, _ rng: SeededRNG, _ result: SyntheticSet) -> Checkpoint.State {
        var tensors = ["images": [images]]
        if let v = optimizer.velocity { tensors["velocity"] = v }
        return Checkpoint.State(step: result.iterations, rng: rng, loss: result.loss, tensors: tensors)
    }

    /// Puts a saved state back into the loop's variables, checking it fits this run of
    /// `total` iterations.
    static func resume(from saved: Checkpoint.State, method: String, total: Int, images: inout Tensor, optimizer: inout SGD,
                       rng: inout SeededRNG, result: inout SyntheticSet) throws {
        guard saved.step <= total else {
            throw TensorError("\(method): the checkpoint has \(saved.step) iterations done, more than the \(total) asked for (HINT: ask for \(saved.step) or more, or give another checkpoint path)")
        }
        guard let saved0 = saved.tensors["images"], saved0.count == 1, saved0[0].shape == images.shape else {
            throw TensorError("\(method): the checkpoint's images do not have shape \(images.shape.shapeText)")
        }
        if let v = saved.tensors["velocity"] {
            guard v.count == 1, v[0].shape == images.shape else { throw TensorError("\(method): the checkpoint's momentum does not match the images") }
            optimizer.restore(velocity: v)
        }
        images = saved0[0]
        rng = saved.rng
        result.loss = saved.loss
        result.iterations = saved.step
    }
}
