// Models in session files: the architecture as JSON, trained weights and batch-norm buffers
// as blobs (`net.parameters[3]`), the training history. Results are plain JSON.
import NeuralNet
import Persistence
import Script
import TensorCore

extension ModelObject {
    func store(path: String, into blobs: inout BlobTable) -> StoredModel {
        var weights: StoredWeights?
        if let model {
            weights = StoredWeights(
                layers: model.layers, inputShape: model.inputShape, classes: model.classes,
                parameters: model.parameters.enumerated().map { TensorObject.store($1, path: "\(path).parameters[\($0)]", into: &blobs) },
                buffers: model.buffers.enumerated().map { TensorObject.store($1, path: "\(path).buffers[\($0)]", into: &blobs) })
        }
        return StoredModel(spec: spec, weights: weights, history: history, weightsGiven: weightsGiven ? nil : false)
    }

    static func restore(_ stored: StoredModel, from reader: SessionReader, path: String) throws -> ModelObject {
        let object = ModelObject(stored.spec, weightsGiven: stored.weightsGiven ?? true)
        object.history = stored.history
        guard let w = stored.weights else { return object }
        func damaged(_ what: String) -> PersistenceError {
            PersistenceError(.damaged, "\(reader.fileLabel): the model '\(path)' \(what)")
        }
        // Build the architecture (weights drawn from any seed), then put the saved ones in.
        var rng = SeededRNG(seed: 0)
        let model: Model
        do {
            model = try stored.spec.build(imageShape: w.inputShape, classes: w.classes, rng: &rng)
        } catch {
            throw damaged("cannot be rebuilt: \(error)")
        }
        guard model.layers == w.layers else { throw damaged("has layers that its architecture does not build") }
        let parameters = try w.parameters.enumerated().map { try reader.tensor($1, path: "\(path).parameters[\($0)]") }
        let buffers = try w.buffers.enumerated().map { try reader.tensor($1, path: "\(path).buffers[\($0)]") }
        guard parameters.map(\.shape) == model.parameters.map(\.shape) else { throw damaged("has weights of the wrong shapes") }
        guard buffers.map(\.shape) == model.buffers.map(\.shape) else { throw damaged("has buffers of the wrong shapes") }
        model.parameters = parameters
        model.buffers = buffers
        object.model = model
        return object
    }
}
