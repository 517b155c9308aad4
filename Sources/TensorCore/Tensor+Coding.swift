// Tensors in files: run state (checkpoints, sessions) holds tensors as Codable values whose
// elements go to the file's blobs through Persistence's run-state codec.
import Persistence

extension Tensor: Codable {
    public func encode(to encoder: Encoder) throws {
        try FloatBlobCoding.encode(values: data, shape: shape, to: encoder)
    }

    /// A tensor whose stored shape and element count agree (checked before use: a damaged
    /// file gives a decoding error, never a trap).
    public init(from decoder: Decoder) throws {
        let (shape, values) = try FloatBlobCoding.decode(from: decoder)
        do {
            try self.init(shape: shape, data: values)
        } catch let e as TensorError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: e.message))
        }
    }
}
