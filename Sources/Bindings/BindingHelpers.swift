// Argument helpers shared by the Bindings libraries: tensors from values (tensors, numbers,
// nested lists), axes, and wrapping results. Checks only; no numeric work happens here.
import Foundation
import Script
import TensorCore

/// A tensor as a script value (what every library returns for a tensor result).
func tensorValue(_ tensor: Tensor) -> Value {
    .host(TensorObject(tensor))
}

/// A Float result as a script number, through its shortest decimal form, so `0.1` computed in
/// Float prints as 0.1 and not as 0.10000000149011612. The decimal is kept only when it reads
/// back as the same Float (it always should; the check guards against double rounding).
func numberValue(_ x: Float) -> Value {
    guard x.isFinite, let d = Double(x.description), Float(d) == x else { return .number(Double(x)) }
    return .number(d)
}

extension Arguments {
    /// Parameter `i` as a tensor: a tensor, a number (a rank-0 tensor) or a nested list of
    /// numbers; otherwise `bad argument #1 to 'sum' (tensor expected, got string)`.
    public func tensor(_ i: Int) throws -> Tensor {
        do {
            return try TensorObject.tensor(from: value(i))
        } catch let problem as TensorObject.ConversionProblem {
            switch problem {
            case .wrongType: throw typeError(i, expected: "tensor")
            case .message(let text): throw error(i, text)
            }
        }
    }
    public func tensor(_ name: String) throws -> Tensor { try tensor(index(name)) }

    /// A tensor, or nil when the parameter is none (left out).
    public func optionalTensor(_ i: Int) throws -> Tensor? {
        if case .none = value(i) { return nil }
        return try tensor(i)
    }
    public func optionalTensor(_ name: String) throws -> Tensor? { try optionalTensor(index(name)) }

    /// Axes for a reduction: none (every axis), one integer, or a list of integers.
    public func axes(_ name: String) throws -> [Int]? {
        let i = index(name)
        switch value(i) {
        case .none: return nil
        case .number: return [try integer(i)]
        case .list: return try integers(i)
        default: throw typeError(i, expected: "integer or list of integers")
        }
    }

    /// A shape: a list of non-negative integers (`[2, 3]`), or a single integer for 1-D.
    public func shape(_ i: Int) throws -> [Int] {
        let shape: [Int]
        if case .number = value(i) { shape = [try integer(i)] } else { shape = try integers(i) }
        if let bad = shape.first(where: { $0 < 0 }) {
            throw error(i, "shape \(shape.shapeText) has a negative extent \(bad)")
        }
        return shape
    }

    /// An integer that must be at least `minimum`.
    func integer(_ i: Int, atLeast minimum: Int) throws -> Int {
        let n = try integer(i)
        guard n >= minimum else { throw error(i, "\(parameters[i].name) must be \(minimum) or more, got \(n)") }
        return n
    }
    func integer(_ name: String, atLeast minimum: Int) throws -> Int { try integer(index(name), atLeast: minimum) }

    /// A number converted to Float, checked to be finite.
    func float(_ i: Int) throws -> Float {
        let x = try number(i)
        guard x.isFinite, abs(x) <= Double(Float.greatestFiniteMagnitude) else {
            throw error(i, "a finite number expected, got \(Value.format(x))")
        }
        return Float(x)
    }
    func float(_ name: String) throws -> Float { try float(index(name)) }
}

/// How many values of `t` are nan or infinite.
func nonFiniteCount(_ t: Tensor) -> Int {
    t.data.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
}

/// Refuses images with nan or infinite values: training on them or drawing them would give
/// numbers or pictures that look like results and are not.
func checkFinite(_ images: Tensor, _ args: Arguments, _ i: Int, what: String) throws {
    let bad = nonFiniteCount(images)
    guard bad == 0 else {
        throw args.error(i, "\(bad) of the \(images.count) values of \(what) are not finite (nan or inf)")
    }
}

/// Creates the folder a file is about to be written in, when it is missing (`out/x.png` works
/// in a fresh checkout); if that fails, the write itself reports why.
func makeParentFolder(of path: String) {
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }
}
