// The .safetensors and .npz layouts of an exported set: the same named arrays (images, pixels,
// labels, learned_step_size, learned_steps, zca_mean, zca_whitening, zca_coloring) and the metadata, as
// safetensors' __metadata__["distillery"] or the archive's meta.json. Written atomically.
import Datasets
import Distillation
import Foundation
import Persistence
import TensorCore

extension ExportedSet {
    /// The arrays every format carries, in file order.
    func arrays() throws -> [(String, ExchangeArray)] {
        var out: [(String, ExchangeArray)] = [
            ("images", ExchangeArray(images)),
            ("pixels", ExchangeArray(try pixels())),
            ("labels", ExchangeArray(shape: [labels.count], int64: labels.map(Int64.init))),
        ]
        if let lr = metadata.learnedStepSize { out.append(("learned_step_size", ExchangeArray(shape: [1], float32: [lr]))) }
        if let rates = metadata.learnedSteps?.rates { out.append(("learned_steps", ExchangeArray(shape: [rates.count], float32: rates))) }
        out += zcaArrays()
        return out
    }

    func zcaArrays() -> [(String, ExchangeArray)] {
        guard let z = whitening else { return [] }
        let d = z.dimension
        return [("zca_mean", ExchangeArray(shape: [d], float32: z.mean)),
                ("zca_whitening", ExchangeArray(shape: [d, d], float32: z.whitening)),
                ("zca_coloring", ExchangeArray(shape: [d, d], float32: z.coloring))]
    }

    func writeSafeTensors(to path: String) throws {
        let meta = String(decoding: try metadataJSON(), as: UTF8.self)
        let bytes = try SafeTensors.encode(try arrays(), metadata: ["format": "pt", "distillery": meta])
        try AtomicWriter().write(bytes, to: path, what: "export")
    }

    func writeNPZ(to path: String) throws {
        var members = try arrays().map { ("\($0.0).npy", NPY.encode($0.1)) }
        members.append(("meta.json", try metadataJSON()))
        try AtomicWriter().write(try ZipArchive.encode(members), to: path, what: "export")
    }

    static func readSafeTensors(_ path: String) throws -> ExportedSet {
        let (arrays, meta) = try SafeTensors.decode(try readFile(path), file: path)
        guard let text = meta["distillery"] else {
            throw DataError("\(path): no __metadata__[\"distillery\"] description", hint: "only sets written by export(...) can be opened")
        }
        return try assemble(arrays, metadata: metadata(fromJSON: Array(text.utf8), file: path), file: path)
    }

    static func readNPZ(_ path: String) throws -> ExportedSet {
        let members = try ZipArchive.decode(try readFile(path), file: path)
        guard let meta = members["meta.json"] else { throw DataError("\(path): the archive has no member meta.json") }
        var arrays: [String: ExchangeArray] = [:]
        for (name, bytes) in members where name.hasSuffix(".npy") {
            arrays[String(name.dropLast(4))] = try NPY.decode(bytes, file: path, name: name)
        }
        return try assemble(arrays, metadata: metadata(fromJSON: meta, file: path), file: path, member: ".npy")
    }

    /// A set from its named arrays: `images` and `labels` are required, the ZCA arrays when the
    /// metadata says whitened; `pixels` is not read (it is derived).
    static func assemble(_ arrays: [String: ExchangeArray], metadata: ExportMetadata, file: String, member: String = "") throws -> ExportedSet {
        func need(_ name: String) throws -> ExchangeArray {
            guard let a = arrays[name] else { throw DataError("\(file): missing array '\(name)\(member)'") }
            return a
        }
        let images = try need("images"), labels = try need("labels")
        guard images.dtype == .float32, images.shape.count == 4 else {
            throw DataError("\(file): images are \(images.dtype.rawValue) \(images.shape), expected F32 [N, C, H, W]")
        }
        guard labels.shape == [images.shape[0]], let values = labels.integers() else {
            throw DataError("\(file): labels are \(labels.dtype.rawValue) \(labels.shape), expected \(images.shape[0]) whole numbers")
        }
        var whitening: ZCA?
        if let eps = metadata.zcaEps {
            let d = metadata.imageShape.reduce(1, *)
            let mean = try need("zca_mean"), white = try need("zca_whitening"), colour = try need("zca_coloring")
            guard mean.shape == [d], white.shape == [d, d], colour.shape == [d, d] else {
                throw DataError("\(file): ZCA arrays are \(mean.shape), \(white.shape), \(colour.shape); expected [\(d)] and [\(d), \(d)]")
            }
            whitening = try ZCA(eps: eps, mean: mean.floats(), whitening: white.floats(), coloring: colour.floats(), imageShape: metadata.imageShape)
        }
        var meta = metadata
        if let lr = arrays["learned_step_size"]?.floats().first { meta.learnedStepSize = lr }
        if var steps = meta.learnedSteps {
            let rates = try need("learned_steps")
            guard rates.dtype == .float32, steps.steps >= 1, steps.epochs >= 1, rates.shape == [steps.steps * steps.epochs] else {
                throw DataError("\(file): learned_steps is \(rates.dtype.rawValue) \(rates.shape), expected F32 [\(steps.steps) steps × \(steps.epochs) epochs]")
            }
            steps.rates = rates.floats()
            meta.learnedSteps = steps
        }
        if EvaluationProtocol(name: meta.evaluationProtocol) == nil {
            throw DataError("\(file): evaluation protocol '\(meta.evaluationProtocol)' is unknown to this distill (it knows \(EvaluationProtocol.names.joined(separator: ", ")))")
        }
        return try ExportedSet(metadata: meta, images: images.tensor(), labels: values.map { Int(clamping: $0) }, whitening: whitening, file: file)
    }

    /// The bytes of a regular file, with the reason in a data error otherwise.
    static func readFile(_ path: String) throws -> [UInt8] {
        do { return try RegularFile.read(path) } catch { throw DataError("cannot read \(path): \(error.reason)") }
    }
}
