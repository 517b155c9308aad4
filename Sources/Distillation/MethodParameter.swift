// The named arguments of `distill` a method declares: a name, the kind of value, a line of
// help, and how it sets the config. The language converts a call's values to `ParameterValue`
// by kind and applies the method's parameters in order; ranges are checked once, by the
// method's `validate`.
import Datasets
import NeuralNet

/// The kind of value an argument takes (the language converts and type-checks by it).
public enum ParameterKind: Sendable, Equatable {
    case integer, number, text, model, experts
    /// One of these words (case-insensitive).
    case choice([String])
}

/// A converted argument value.
public enum ParameterValue: @unchecked Sendable {
    case integer(Int)
    case number(Double)
    case text(String)
    /// A model, and whether its weight initialisation was chosen (else the method's stays).
    case model(ModelSpec, weightsGiven: Bool = true)
    case experts(Experts)
}

/// What applying an argument may need: the data set, the ipc, where notes go, the inputs.
public struct ParameterContext {
    public let data: Dataset
    public let ipc: Int
    public var inputs: MethodInputs

    public init(data: Dataset, ipc: Int, inputs: MethodInputs) {
        self.data = data
        self.ipc = ipc
        self.inputs = inputs
    }
}

/// One named argument of a method.
public struct MethodParameter<Config> {
    public let name: String
    public let kind: ParameterKind
    public let help: String
    let set: (inout Config, ParameterValue, inout ParameterContext) throws -> Void

    public init(_ name: String, _ kind: ParameterKind, help: String,
                set: @escaping (inout Config, ParameterValue, inout ParameterContext) throws -> Void) {
        self.name = name
        self.kind = kind
        self.help = help
        self.set = set
    }

    /// Sets the config from `value`.
    public func apply(to config: inout Config, _ value: ParameterValue, _ context: inout ParameterContext) throws {
        try set(&config, value, &context)
    }
}

extension MethodParameter {
    /// An integer setting.
    public static func integer(_ name: String, _ path: WritableKeyPath<Config, Int>, help: String) -> Self {
        Self(name, .integer, help: help) { c, v, _ in c[keyPath: path] = try v.integer(name) }
    }

    /// An optional integer setting (nil: derived from others).
    public static func integer(_ name: String, _ path: WritableKeyPath<Config, Int?>, help: String) -> Self {
        Self(name, .integer, help: help) { c, v, _ in c[keyPath: path] = try v.integer(name) }
    }

    /// A real setting, kept as Float.
    public static func number(_ name: String, _ path: WritableKeyPath<Config, Float>, help: String) -> Self {
        Self(name, .number, help: help) { c, v, _ in c[keyPath: path] = Float(try v.number(name)) }
    }

    /// One of an enumeration's cases by its raw value.
    public static func choice<E: RawRepresentable & CaseIterable>(_ name: String, _ path: WritableKeyPath<Config, E>, help: String) -> Self
    where E.RawValue == String {
        let words = E.allCases.map(\.rawValue)
        return Self(name, .choice(words), help: help) { c, v, _ in
            let text = try v.text(name)
            guard let e = E(rawValue: text.lowercased()) else {
                throw DistillError.setting(name, "unknown \(name) \"\(text)\" (expected one of: \(words.joined(separator: ", ")))")
            }
            c[keyPath: path] = e
        }
    }

    /// The network a method trains or matches with.
    public static func model(_ path: WritableKeyPath<Config, ModelSpec>, help: String = "the network (default: the paper's)") -> Self {
        Self("model", .model, help: help) { c, v, _ in
            var spec = try v.model("model")
            if case .model(_, weightsGiven: false) = v { spec.weights = c[keyPath: path].weights }   // the method's scheme
            c[keyPath: path] = spec
        }
    }

    /// A batch drawn from `most` images (per class, or the whole split): larger values are
    /// clamped to it with a note, so memory stays bounded by the data.
    public static func batch(_ name: String, _ path: WritableKeyPath<Config, Int>, help: String,
                             most: @escaping (ParameterContext) -> (Int, String)) -> Self {
        Self(name, .integer, help: help) { c, v, context in
            let value = try v.integer(name)
            let (limit, what) = most(context)
            if value > limit, limit >= 1 {
                context.inputs.note("\(name)=\(value) is more than the \(limit) \(what); using \(limit)")
                c[keyPath: path] = limit
            } else {
                c[keyPath: path] = value
            }
        }
    }

}

/// The limit of a per-class real batch: the images of the largest class of the train split.
public func largestClass(_ context: ParameterContext) -> (Int, String) {
    (context.data.train.classIndex.map(\.count).max() ?? 0, "images of the largest class")
}

/// The limit of a batch drawn from the whole train split.
public func wholeSplit(_ context: ParameterContext) -> (Int, String) {
    (context.data.train.count, "images of the train split")
}

extension ParameterValue {
    public func integer(_ name: String) throws -> Int {
        guard case .integer(let v) = self else { throw DistillError.setting(name, "\(name) must be an integer") }
        return v
    }

    public func number(_ name: String) throws -> Double {
        switch self {
        case .number(let v): return v
        case .integer(let v): return Double(v)
        default: throw DistillError.setting(name, "\(name) must be a number")
        }
    }

    public func text(_ name: String) throws -> String {
        guard case .text(let v) = self else { throw DistillError.setting(name, "\(name) must be text") }
        return v
    }

    public func model(_ name: String) throws -> ModelSpec {
        guard case .model(let v, _) = self else { throw DistillError.setting(name, "\(name) must be a model") }
        return v
    }
}
