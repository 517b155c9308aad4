// Tensor math builtins: reductions with `axis=` and `keepdims=`, element-wise functions, and
// the method-only helpers (min, max, abs, round, floor, ceil, item, tolist) whose builtin names
// belong to the core namespace, which forwards tensors to these methods.
import Foundation
import Script
import TensorCore

extension TensorLibrary {
    static var math: [Builtin] {
        [
            reduction("sum", "The sum of the elements", example: "x = tensor([[1, 2], [3, 4]])\nsum(x)                   # 10\nsum(x, axis=0)           # [4, 6]") {
                try $0.sum(axes: $1, keepDims: $2)
            },
            reduction("mean", "The mean of the elements", example: "x = tensor([[1, 2], [3, 4]])\nmean(x, axis=1)          # [1.5, 3.5]") {
                try $0.mean(axes: $1, keepDims: $2)
            },
            Builtin("var", parameters: reductionParameters + [.named("unbiased", default: .bool(false))],
                    help: "The variance of the elements" + reductionHelp + " With `unbiased=true` it divides by n - 1 instead of n.",
                    example: "var(tensor([1, 2, 3, 4]))            # 1.25\nvar(tensor([1, 2, 3, 4]), unbiased=true)") { args, _ in
                let x = try args.tensor(0)
                let axes = try args.axes("axis"), keep = try args.bool("keepdims")
                return reduced(try x.variance(axes: axes, keepDims: keep, unbiased: try args.bool("unbiased")), axes, keep)
            },
            reduction("norm", "The Euclidean (Frobenius) norm of the elements", example: "norm(tensor([3, 4]))     # 5") {
                try $0.norm(axes: $1, keepDims: $2)
            },
            Builtin("argmax", parameters: [.required("x"), .optional("axis"), .optional("keepdims", default: .bool(false))],
                    help: "The index of the largest element along `axis` (the first one on ties), as a tensor of whole numbers. Without `axis`, the position of the largest element of the flattened tensor, as a number. Predictions from logits [N, classes] are `argmax(logits, axis=1)`.",
                    example: "argmax(tensor([[1, 9], [7, 2]]), axis=1)   # [1, 0]") { args, _ in
                let x = try args.tensor(0)
                guard x.count > 0 else { throw args.error(0, "argmax of an empty tensor (shape \(x.shape.shapeText))") }
                guard let axis = try args.optionalInteger(1) else {
                    return .number(Double(try x.reshaped([-1]).argmax(axis: 0).data[0]))
                }
                return tensorValue(try x.argmax(axis: axis, keepDims: try args.bool(2)))
            },
            elementwise("exp", "e raised to each element", "exp(tensor([0, 1]))      # [1, 2.718]") { $0.exp() },
            elementwise("log", "The natural logarithm of each element (-inf at 0, nan below)", "log(tensor([1, 100]))    # [0, 4.605]") { $0.log() },
            elementwise("sqrt", "The square root of each element (nan below 0)", "sqrt(tensor([4, 9]))     # [2, 3]") { $0.sqrt() },
            elementwise("relu", "max(x, 0) for each element", "relu(tensor([-1, 2]))    # [0, 2]") { $0.relu() },
            elementwise("sigmoid", "The logistic function 1 / (1 + e^-x) of each element", "sigmoid(tensor([0]))     # [0.5]") { $0.sigmoid() },
            elementwise("tanh", "The hyperbolic tangent of each element", "tanh(tensor([0, 1]))     # [0, 0.7616]") { $0.tanh() },
            Builtin("clamp", parameters: [.required("x"), .optional("min"), .optional("max")],
                    help: "Each element limited to [min, max]; either bound may be left out (none). Also a method: `x.clamp(0, 1)`.",
                    example: "clamp(tensor([-2, 0.5, 3]), 0, 1)   # [0, 0.5, 1]\nclamp(tensor([-2, 3]), max=1)") { args, _ in
                let lo = args.isGiven(1) && !isNone(args.value(1)) ? try args.float(1) : -Float.infinity
                let hi = args.isGiven(2) && !isNone(args.value(2)) ? try args.float(2) : Float.infinity
                guard lo <= hi else { throw args.error(2, "max must not be below min, got min \(TensorObject.format(lo)) and max \(TensorObject.format(hi))") }
                if case .number(let v) = args.value(0) { return .number(Swift.min(Swift.max(v, Double(lo)), Double(hi))) }
                return tensorValue(try args.tensor(0).clamp(min: lo, max: hi))
            },
        ]
    }

    /// Methods without a builtin of their own: the core namespace's `min`, `max`, `abs`,
    /// `round`, `floor`, `ceil` call these for tensors; `item` and `tolist` only make sense as methods.
    static var methodOnly: [Builtin] {
        [
            reduction("max", "The largest element", example: "x = tensor([[1, 5], [3, 2]])\nmax(x)                   # 5\nx.max(axis=0)            # [3, 5]") {
                try $0.max(axes: $1, keepDims: $2)
            },
            reduction("min", "The smallest element", example: "x = tensor([[1, 5], [3, 2]])\nmin(x, axis=1)           # [1, 2]") {
                try $0.min(axes: $1, keepDims: $2)
            },
            elementwise("abs", "The absolute value of each element", "abs(tensor([-1, 2]))     # [1, 2]") { $0.abs() },
            elementwise("floor", "Each element rounded down", "floor(tensor([1.5, -1.5]))   # [1, -2]") { $0.map { $0.rounded(.down) } },
            elementwise("ceil", "Each element rounded up", "ceil(tensor([1.5, -1.5]))    # [2, -1]") { $0.map { $0.rounded(.up) } },
            Builtin("round", parameters: [.required("x"), .optional("digits", default: .number(0))],
                    help: "Each element rounded to `digits` digits after the point (halves away from zero).",
                    example: "round(tensor([1.26, 2.5]), 1)   # [1.3, 2.5]") { args, _ in
                let x = try args.tensor(0), digits = try args.integer(1)
                guard (0...8).contains(digits) else { throw args.error(1, "digits must be in 0...8, got \(digits)") }
                let scale = Float(pow(10.0, Double(digits)))
                return tensorValue(x.map { ($0 * scale).rounded() / scale })
            },
            Builtin("item", parameters: [.required("x")],
                    help: "The value of a one-element tensor as a number.",
                    example: "sum(ones([2, 2]), axis=[0, 1], keepdims=true).item()   # 4") { args, _ in
                let x = try args.tensor(0)
                guard x.count == 1 else {
                    throw args.error(0, "item needs a tensor with one element, got shape \(x.shape.shapeText) (\(x.count) elements)")
                }
                return numberValue(x.data[0])
            },
            Builtin("tolist", parameters: [.required("x")],
                    help: "The elements as nested lists of numbers (a number for a rank-0 tensor).",
                    example: "tensor([[1, 2], [3, 4]]).tolist()   # [[1, 2], [3, 4]]") { args, _ in
                let x = try args.tensor(0)
                guard x.count <= 10_000_000 else { throw args.error(0, "tensor of \(x.count) elements is too large for a list") }
                guard x.rank <= Value.maxListDepth else {
                    throw args.error(0, "a tensor of rank \(x.rank) would make lists nested \(x.rank) deep; lists nest at most \(Value.maxListDepth) levels")
                }
                return nestedList(x)
            },
        ]
    }

    static func isNone(_ v: Value) -> Bool {
        if case .none = v { return true }
        return false
    }

    static let reductionParameters: [Parameter] = [.required("x"), .optional("axis"), .optional("keepdims", default: .bool(false))]
    static let reductionHelp = " over `axis` (one axis or a list; negative axes count from the end), or over every axis when `axis` is left out, which gives a number. With `keepdims=true` the reduced axes stay with extent 1 so the result broadcasts against `x`. Also a method: `x.NAME(axis=0)`."

    /// A reduction builtin: `name(x, axis=none, keepdims=false)`.
    static func reduction(_ name: String, _ what: String, example: String,
                          _ op: @escaping (Tensor, [Int]?, Bool) throws -> Tensor) -> Builtin {
        Builtin(name, parameters: reductionParameters,
                help: what + reductionHelp.replacingOccurrences(of: "NAME", with: name), example: example) { args, _ in
            let x = try args.tensor(0)
            let axes = try args.axes("axis"), keep = try args.bool("keepdims")
            return reduced(try op(x, axes, keep), axes, keep)
        }
    }

    /// A whole-tensor reduction without keepdims is a number; anything else stays a tensor.
    static func reduced(_ t: Tensor, _ axes: [Int]?, _ keep: Bool) -> Value {
        if axes == nil, !keep, t.count == 1 { return numberValue(t.data[0]) }
        return tensorValue(t)
    }

    /// An element-wise builtin: a tensor gives a tensor, a number gives a number.
    static func elementwise(_ name: String, _ what: String, _ example: String, _ f: @escaping (Tensor) -> Tensor) -> Builtin {
        Builtin(name, parameters: [.required("x")],
                help: "\(what), as a tensor of the same shape; given a number, returns a number. Also a method: `x.\(name)()`.",
                example: example) { args, _ in
            if case .number(let v) = args.value(0) { return numberValue(f(Tensor(scalar: Float(v))).data[0]) }
            return tensorValue(f(try args.tensor(0)))
        }
    }

    /// Nested lists of numbers with the tensor's shape.
    static func nestedList(_ t: Tensor) -> Value {
        if t.rank == 0 { return numberValue(t.data[0]) }
        let strides = t.strides
        func build(_ axis: Int, _ offset: Int) -> Value {
            if axis == t.rank - 1 {
                return .list((0..<t.shape[axis]).map { numberValue(t.data[offset + $0]) })
            }
            return .list((0..<t.shape[axis]).map { build(axis + 1, offset + $0 * strides[axis]) })
        }
        return build(0, 0)
    }
}
