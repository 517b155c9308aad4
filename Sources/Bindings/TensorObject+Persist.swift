// Tensors in session files: shape in the manifest, values as one Float32 blob named after
// the variable. Nothing else about tensors lives here.
import Persistence
import TensorCore

extension TensorObject {
    static func store(_ tensor: Tensor, path: String, into blobs: inout BlobTable) -> StoredTensor {
        StoredTensor(shape: tensor.shape, blob: blobs.add(path, tensor.data))
    }

    static func restore(_ stored: StoredTensor, from reader: SessionReader, path: String) throws -> Tensor {
        try reader.tensor(stored, path: path)
    }
}
