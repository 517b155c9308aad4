// How a script value is described in a session file's manifest: plain values inline, tensors
// and weights as references to Float32 blobs, data sets by reference (docs/session-format.md).
// Turning values into these and back is in SessionCodec.swift and the +Persist files.
import Datasets
import Distillation
import NeuralNet
import Persistence

/// One value in a session manifest, as JSON `{"type": "...", "value": ...}`.
indirect enum StoredValue: Codable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case none
    case list([StoredValue])
    /// A user function: its `def` text and the default values its `def` computed.
    case function(StoredFunction)
    /// A builtin, by name.
    case builtin(String)
    case tensor(StoredTensor)
    case dataset(StoredDataset)
    case split(StoredSplit)
    case model(StoredModel)
    case synthetic(StoredSynthetic)
    case result(EvaluationResult)
    case experts(StoredExperts)

    enum CodingKeys: String, CodingKey { case type, value }

    var typeName: String {
        switch self {
        case .number: return "number"
        case .string: return "string"
        case .bool: return "bool"
        case .none: return "none"
        case .list: return "list"
        case .function: return "function"
        case .builtin: return "builtin"
        case .tensor: return "tensor"
        case .dataset: return "dataset"
        case .split: return "split"
        case .model: return "model"
        case .synthetic: return "synthetic"
        case .experts: return "experts"
        case .result: return "result"
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(typeName, forKey: .type)
        switch self {
        case .number(let x): try c.encode(x, forKey: .value)
        case .string(let s): try c.encode(s, forKey: .value)
        case .bool(let b): try c.encode(b, forKey: .value)
        case .none: break
        case .list(let items): try c.encode(items, forKey: .value)
        case .function(let f): try c.encode(f, forKey: .value)
        case .builtin(let name): try c.encode(name, forKey: .value)
        case .tensor(let t): try c.encode(t, forKey: .value)
        case .dataset(let d): try c.encode(d, forKey: .value)
        case .split(let s): try c.encode(s, forKey: .value)
        case .model(let m): try c.encode(m, forKey: .value)
        case .synthetic(let s): try c.encode(s, forKey: .value)
        case .experts(let e): try c.encode(e, forKey: .value)
        case .result(let r): try c.encode(r, forKey: .value)
        }
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "number": self = .number(try c.decode(Double.self, forKey: .value))
        case "string": self = .string(try c.decode(String.self, forKey: .value))
        case "bool": self = .bool(try c.decode(Bool.self, forKey: .value))
        case "none": self = .none
        case "list": self = .list(try c.decode([StoredValue].self, forKey: .value))
        case "function": self = .function(try c.decode(StoredFunction.self, forKey: .value))
        case "builtin": self = .builtin(try c.decode(String.self, forKey: .value))
        case "tensor": self = .tensor(try c.decode(StoredTensor.self, forKey: .value))
        case "dataset": self = .dataset(try c.decode(StoredDataset.self, forKey: .value))
        case "split": self = .split(try c.decode(StoredSplit.self, forKey: .value))
        case "model": self = .model(try c.decode(StoredModel.self, forKey: .value))
        case "synthetic": self = .synthetic(try c.decode(StoredSynthetic.self, forKey: .value))
        case "experts": self = .experts(try c.decode(StoredExperts.self, forKey: .value))
        case "result": self = .result(try c.decode(EvaluationResult.self, forKey: .value))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown value type '\(type)'")
        }
    }
}

struct StoredFunction: Codable {
    var text: String
    /// One entry per parameter: nil for a parameter without a default.
    var defaults: [StoredValue?]
}

/// A tensor's shape and the blob holding its values.
struct StoredTensor: Codable {
    var shape: [Int]
    var blob: String
}

/// A data set by reference: how to open it again.
struct StoredDataset: Codable {
    var name: String
    var provenance: DatasetProvenance
}

/// A split: its data set by reference, and either the selection within it (split name and
/// indices) or, for splits made otherwise, the images and labels themselves.
struct StoredSplit: Codable {
    var dataset: StoredDataset
    var name: String
    var selection: DatasetProvenance?
    var images: StoredTensor?
    var labels: [Int]?
}

/// A network: the architecture, and the trained weights when it has them.
struct StoredModel: Codable {
    var spec: ModelSpec
    var weights: StoredWeights?
    var history: TrainHistory?
    /// false when `weights=` was not given (a method may use its own scheme); absent otherwise.
    var weightsGiven: Bool?
}

struct StoredWeights: Codable {
    var layers: [LayerSpec]
    var inputShape: [Int]
    var classes: Int
    var parameters: [StoredTensor]
    var buffers: [StoredTensor]
}

/// A synthetic set: everything `SyntheticSet` holds, its data set by reference.
struct StoredSynthetic: Codable {
    var dataset: StoredDataset
    var images: StoredTensor
    var labels: [Int]
    var ipc: Int
    var classNames: [String]
    var normalization: Normalization
    var method: String
    var settings: [String: String]
    var iterations: Int
    var loss: String
    var interrupted: Bool
    /// Format 1 only: MTT's learned step size (format 2: `artifacts`).
    var learnedLR: Float?
    var budgetSpent: Bool?
    /// Why the run stopped early with its last finite images (absent when it did not diverge).
    var diverged: String?
    /// Format 1 only: the run's state with named tensors (format 2: `run`).
    var resume: StoredResume?
    /// The run's state, so `distill(..., resume=set)` works after `load` (the same `StoredRun`
    /// as a checkpoint holds; absent for sets that cannot be resumed).
    var run: StoredRun?
    /// Format 2: the method's typed results (format 1 kept them in `settings` and `learnedLR`).
    var artifacts: MethodArtifacts?
}

/// A run's state in a format 1 session file: method, settings, iteration count, generator
/// words (hex), loss history and named tensors as blobs; read to migrate it.
struct StoredResume: Codable {
    var method: String
    var config: JSONValue
    var step: Int
    var rng: [String]
    var loss: String
    var tensors: [String: [StoredTensor]]
    var numbers: [String: Double]
}

/// The manifest of a session file.
struct SessionManifest: Codable {
    struct Variable: Codable {
        var name: String
        var value: StoredValue
    }
    struct Cell: Codable {
        var code: String
        var output: String
    }
    /// Decimal text: seeds use all 64 bits, which not every JSON reader keeps.
    var seed: String
    var seedDraws: String
    var variables: [Variable]
    var history: [Cell]
}
