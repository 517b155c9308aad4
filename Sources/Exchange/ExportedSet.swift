// A labelled image set as it travels: images in their stored space, labels, the constants to
// use them (normalisation, ZCA, learned step size, IDC factor) and a description. The file
// layouts are in ExportedSet+Files.swift and ExportedSet+Folder.swift; docs/export.md has every field.
import Datasets
import Distillation
import Foundation
import Persistence
import TensorCore

/// What `meta.json` and safetensors' `__metadata__["distillery"]` hold.
public struct ExportMetadata: Codable, Equatable, Sendable {
    /// Always "distillery-export"; tells our files from others.
    public var format = "distillery-export"
    /// The layout's version (1).
    public var formatVersion = 1
    /// The distill version that wrote the file.
    public var distillery: String
    /// The data set the images belong to (`fashion-mnist`, `cifar10+zca`, a folder's name).
    public var dataset: String
    public var classes: [String]
    /// One image, [C, H, W], as stored.
    public var imageShape: [Int]
    public var count: Int
    /// images = (pixels - mean) / std per channel (unless whitened).
    public var mean: [Float]
    public var std: [Float]
    /// Set when `images` are ZCA-whitened [0, 1] pixels (the arrays zca_* hold the transform).
    public var zcaEps: Float?
    /// The method that made the set, or nil for real images (a split or subset).
    public var method: String?
    public var settings: [String: String]
    public var seed: UInt64?
    public var iterations: Int?
    public var ipc: Int?
    /// MTT: the learning rate to train with.
    public var learnedStepSize: Float?
    /// IDC and DREAM: each stored image holds factor × factor tiles, each resized to a whole image.
    public var formationFactor: Int?
    /// DD: the learned steps (their step sizes also as the array `learned_steps`) and the start
    /// networks they are meant for.
    public var learnedSteps: LearnedSteps?
    /// The evaluation protocol the set is meant to be judged by (docs/evaluation.md): its
    /// method's, "dc" for real images.
    public var evaluationProtocol: String

    public init(distillery: String, dataset: String, classes: [String], imageShape: [Int], count: Int,
                normalization: Normalization, evaluationProtocol: String) {
        self.distillery = distillery
        self.dataset = dataset
        self.classes = classes
        self.imageShape = imageShape
        self.count = count
        self.mean = normalization.mean
        self.std = normalization.std
        self.settings = [:]
        self.evaluationProtocol = evaluationProtocol
    }
}

/// A set ready to write, or just read.
///
///     let set = try ExportedSet(metadata: meta, images: syn.images, labels: syn.labels, whitening: nil)
///     try set.write(to: "out/dm.safetensors")
///     let back = try ExportedSet.read("out/dm.safetensors")
public struct ExportedSet: Sendable {
    public var metadata: ExportMetadata
    /// [N, C, H, W] in the set's space (normalised, or whitened).
    public var images: Tensor
    public var labels: [Int]
    public var whitening: ZCA?

    public init(metadata: ExportMetadata, images: Tensor, labels: [Int], whitening: ZCA?, file: String = "export") throws {
        guard images.rank == 4, Array(images.shape.dropFirst()) == metadata.imageShape, images.shape[0] == labels.count else {
            throw DataError("\(file): \(labels.count) labels and images \(images.shape.shapeText) do not match the image shape \(metadata.imageShape.shapeText)")
        }
        guard metadata.imageShape.first == metadata.mean.count, metadata.mean.count == metadata.std.count,
              metadata.std.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw DataError("\(file): the normalisation (mean \(metadata.mean), std \(metadata.std)) does not fit images \(metadata.imageShape.shapeText)")
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= metadata.classes.count }) {
            throw DataError("\(file): label \(bad) is outside the \(metadata.classes.count) classes")
        }
        guard metadata.count == labels.count else { throw DataError("\(file): meta says \(metadata.count) images, the file holds \(labels.count)") }
        guard (whitening == nil) == (metadata.zcaEps == nil) else {
            throw DataError("\(file): \(whitening == nil ? "zcaEps is set but the ZCA arrays are missing" : "ZCA arrays without zcaEps in the metadata")")
        }
        if let whitening, whitening.imageShape != metadata.imageShape {
            throw DataError("\(file): the ZCA transform is for images \(whitening.imageShape.shapeText), not \(metadata.imageShape.shapeText)")
        }
        // Nothing that is not a number is trained on or written back (found by the export fuzz target).
        var values: [(String, [Float])] = [("images", images.data)]
        if let whitening { values += [("zca_mean", whitening.mean), ("zca_whitening", whitening.whitening), ("zca_coloring", whitening.coloring)] }
        if let lr = metadata.learnedStepSize { values.append(("learned_step_size", [lr])) }
        if let steps = metadata.learnedSteps { values.append(("learned_steps", steps.rates)) }
        for (name, v) in values {
            let bad = v.lazy.filter { !$0.isFinite }.count
            guard bad == 0 else { throw DataError("\(file): '\(name)' holds \(bad) values that are not finite", hint: "the file is damaged") }
        }
        self.metadata = metadata
        self.images = images
        self.labels = labels
        self.whitening = whitening
    }

    public var normalization: Normalization { Normalization(mean: metadata.mean, std: metadata.std) }

    /// The images as [0, 1] pixels (un-whitened or de-normalised; not clamped).
    public func pixels() throws -> Tensor {
        if let whitening { return try whitening.unwhiten(images) }
        return try normalization.denormalized(images)
    }

    /// The images in the set's space from [0, 1] pixels.
    func stored(fromPixels pixels: Tensor) throws -> Tensor {
        if let whitening { return try whitening.whiten(pixels) }
        return try normalization.normalized(pixels)
    }

    /// The set as a data set: its images the train split, no test split, normalisation and
    /// whitening restored. `path` becomes its provenance.
    public func dataset(path: String) throws -> Dataset {
        let k = metadata.classes.count
        let transform = DatasetProvenance.transformText(normalization) + (metadata.zcaEps.map { "; zca(eps \($0)) from the export" } ?? "")
        var data = try Dataset(name: metadata.dataset, classNames: metadata.classes, normalization: normalization,
                               train: DatasetSplit(images: images, labels: labels, classCount: k),
                               test: DatasetSplit.empty(imageShape: metadata.imageShape, classCount: k),
                               provenance: DatasetProvenance(source: path, root: path, transform: transform))
        data.whitening = whitening
        return data
    }

    /// The format a path asks for: by extension, a folder when it ends in "/" or has none.
    public enum Format: String, Sendable { case safetensors, npz, folder }

    public static func format(of path: String) throws -> Format {
        if path.hasSuffix("/") { return .folder }
        let ext = (path as NSString).pathExtension.lowercased()
        switch ext {
        case "": return .folder
        case "safetensors": return .safetensors
        case "npz": return .npz
        default: throw DataError("\(path): unknown export format '.\(ext)'", hint: "use .safetensors, .npz, or a folder (a path ending in / or without an extension)")
        }
    }

    /// Whether `path` looks like an export to read: a .safetensors or .npz file, or a folder with meta.json.
    public static func isExport(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "safetensors" || ext == "npz" { return true }
        let meta = (path as NSString).appendingPathComponent("meta.json")
        guard let bytes = try? RegularFile.read(meta), bytes.count < 1 << 20 else { return false }
        return String(decoding: bytes, as: UTF8.self).contains("\"distillery-export\"")
    }

    /// Writes the set to `path` in the format its name asks for.
    public func write(to path: String) throws {
        switch try ExportedSet.format(of: path) {
        case .safetensors: try writeSafeTensors(to: path)
        case .npz: try writeNPZ(to: path)
        case .folder: try writeFolder(to: path)
        }
    }

    /// Reads the export at `path`.
    public static func read(_ path: String) throws -> ExportedSet {
        switch try format(of: path) {
        case .safetensors: return try readSafeTensors(path)
        case .npz: return try readNPZ(path)
        case .folder: return try readFolder(path)
        }
    }

    // MARK: metadata as JSON

    func metadataJSON() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return Array(try encoder.encode(metadata)) + [0x0A]
    }

    static func metadata(fromJSON bytes: [UInt8], file: String) throws -> ExportMetadata {
        let meta: ExportMetadata
        do { meta = try JSONDecoder().decode(ExportMetadata.self, from: Data(bytes)) } catch {
            throw DataError("\(file): the metadata is not a distillery export description (\(Self.describe(error)))")
        }
        guard meta.format == "distillery-export" else { throw DataError("\(file): metadata format is '\(meta.format)', not distillery-export") }
        guard meta.formatVersion == 1 else { throw DataError("\(file): export format version \(meta.formatVersion); this distill reads version 1") }
        guard meta.imageShape.count == 3, meta.imageShape.allSatisfy({ $0 > 0 }) else {
            throw DataError("\(file): image shape \(meta.imageShape) is not [C, H, W]")
        }
        guard !meta.classes.isEmpty else { throw DataError("\(file): the metadata names no classes") }
        return meta
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "no field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "field '\(c.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case DecodingError.dataCorrupted: return "not JSON"
        default: return "\(error)"
        }
    }
}
