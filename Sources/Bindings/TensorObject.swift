// TensorObject: the language's tensor value, a host object wrapping `TensorCore.Tensor`, and the
// conversion of script values (numbers, nested lists) into tensors. Members are in
// TensorObject+Members, indexing in +Indexing, operators in +Operators, printing in +Printing.
import Script
import TensorCore

/// A tensor in the .dd language. Immutable: every operation returns a new object, so a
/// tensor held in two variables can never change under one of them.
///
///     let x = TensorObject(try Tensor(shape: [2, 2], data: [1, 2, 3, 4]))
///     x.summary          // "tensor [2, 2]  min 1  max 4  mean 2.5\n[[1, 2],\n [3, 4]]"
///     let v: Value = .host(x)
///
/// Other libraries return tensors as `.host(TensorObject(t))` and read them with
/// `args.tensor(i)` (which also accepts numbers and nested lists).
public final class TensorObject: HostObject {
    /// The wrapped value.
    public let tensor: Tensor

    public init(_ tensor: Tensor) { self.tensor = tensor }

    public var typeName: String { "tensor" }

    /// `len(x)`: the extent of the first axis (none for a rank-0 tensor).
    public var length: Int? { tensor.rank == 0 ? nil : tensor.shape[0] }

    /// `for row in x`: the sub-tensors along the first axis (numbers for a 1-D tensor).
    public func elements() throws -> [Value]? {
        guard tensor.rank > 0 else { return nil }
        return try (0..<tensor.shape[0]).map { try index([.single(.number(Double($0)))]) }
    }

    /// A one-element tensor is true when its value is non-zero; larger tensors are true.
    public var isTruthy: Bool { tensor.count == 1 ? tensor.data[0] != 0 : true }
}

// MARK: - Values to tensors

extension TensorObject {
    /// Why a value could not become a tensor.
    enum ConversionProblem: Error {
        /// Not a tensor, number, bool or list at all.
        case wrongType
        /// A list that does not form a tensor (ragged, non-numbers), with the reason.
        case message(String)
    }

    /// A tensor from a tensor object, a number or bool (rank 0), or a nested list of numbers
    /// (rectangular; its nesting gives the shape).
    static func tensor(from value: Value) throws -> Tensor {
        switch value {
        case .host(let object as TensorObject): return object.tensor
        case .number(let x): return Tensor(scalar: Float(x))
        case .bool(let b): return Tensor(scalar: b ? 1 : 0)
        case .list: return try nested(value)
        default: throw ConversionProblem.wrongType
        }
    }

    /// Reads a rectangular nested list; the first item at each depth fixes that axis' extent.
    /// Depth 0 is the outer list, depth 1 the items inside it, and so on (error messages).
    static func nested(_ value: Value) throws -> Tensor {
        var shape: [Int] = []
        var probe = value
        while case .list(let items) = probe {
            shape.append(items.count)
            guard let first = items.first else { break }
            probe = first
        }
        do {
            try Tensor.checkShape(shape, op: "tensor")
        } catch let e as TensorError {
            throw ConversionProblem.message(e.message)
        }
        var data: [Float] = []
        data.reserveCapacity(shape.reduce(1, *))
        func walk(_ v: Value, depth: Int) throws {
            if depth == shape.count {
                switch v {
                case .number(let x): data.append(Float(x))
                case .bool(let b): data.append(b ? 1 : 0)
                case .list:
                    throw ConversionProblem.message("ragged nested list: items at depth \(depth) mix numbers and lists")
                default:
                    throw ConversionProblem.message("nested list of numbers expected, found a \(v.typeName) at depth \(depth)")
                }
                return
            }
            guard case .list(let items) = v else {
                if case .number = v { throw ConversionProblem.message("ragged nested list: items at depth \(depth) mix numbers and lists") }
                throw ConversionProblem.message("nested list of numbers expected, found a \(v.typeName) at depth \(depth)")
            }
            guard items.count == shape[depth] else {
                throw ConversionProblem.message("ragged nested list: lists at depth \(depth) have lengths \(shape[depth]) and \(items.count)")
            }
            for item in items { try walk(item, depth: depth + 1) }
        }
        try walk(value, depth: 0)
        return Tensor(unchecked: shape, data: data)
    }
}
