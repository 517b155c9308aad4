// Tensor builtins that rearrange or combine: reshape, transpose, permute, concat, stack, pad,
// matmul and where. Each checks its script arguments and calls the TensorCore operation.
import Script
import TensorCore

extension TensorLibrary {
    static var shape: [Builtin] {
        [
            Builtin("reshape", parameters: [.required("x"), .required("shape")],
                    help: "The same elements in row-major order with another shape of the same size; one extent may be -1 to be inferred. Also a method: `x.reshape([3, 2])`.",
                    example: "x = arange(6)\nreshape(x, [2, 3])\nx.reshape([-1, 2])       # shape [3, 2]") { args, _ in
                let x = try args.tensor(0)
                let target: [Int]
                if case .number = args.value(1) { target = [try args.integer(1)] } else { target = try args.integers(1) }
                return tensorValue(try x.reshaped(target))
            },
            Builtin("transpose", parameters: [.required("x"), .optional("a", default: .number(-2)), .optional("b", default: .number(-1))],
                    help: "Swaps two axes, by default the last two (negative axes count from the end). `x.T` is the same as `transpose(x)`.",
                    example: "m = tensor([[1, 2, 3], [4, 5, 6]])\ntranspose(m)             # shape [3, 2]\ntranspose(randn([2, 3, 4], seed=1), 0, 2)") { args, _ in
                tensorValue(try args.tensor(0).transposed(try args.integer(1), try args.integer(2)))
            },
            Builtin("permute", parameters: [.required("x"), .required("order")],
                    help: "Reorders the axes: axis i of the result is axis `order[i]` of `x` (a permutation of 0..rank-1). Images [N, H, W, C] become [N, C, H, W] with `permute(x, [0, 3, 1, 2])`.",
                    example: "x = zeros([2, 28, 28, 3])\npermute(x, [0, 3, 1, 2])   # shape [2, 3, 28, 28]") { args, _ in
                tensorValue(try args.tensor(0).permuted(try args.integers(1)))
            },
            Builtin("concat", parameters: [.required("tensors"), .optional("axis", default: .number(0))],
                    help: "Joins a list of tensors along an existing axis; every other extent must agree.",
                    example: "concat([ones([2, 3]), zeros([1, 3])])        # shape [3, 3]\nconcat([ones([2, 1]), zeros([2, 2])], axis=1)  # shape [2, 3]") { args, _ in
                tensorValue(try Tensor.concat(try tensorList(args, 0), axis: try args.integer(1)))
            },
            Builtin("stack", parameters: [.required("tensors"), .optional("axis", default: .number(0))],
                    help: "Stacks a list of equal-shaped tensors along a new axis (0 by default, -1 for last).",
                    example: "stack([zeros([3]), ones([3])])      # shape [2, 3]") { args, _ in
                tensorValue(try Tensor.stack(try tensorList(args, 0), axis: try args.integer(1)))
            },
            Builtin("pad", parameters: [.required("x"), .required("widths"), .named("value", default: .number(0))],
                    help: "Pads with `value` (0 by default). `widths` has one entry per axis from the first: an integer pads both sides by that much, a pair [before, after] pads each side; axes left out are not padded. Images [N, C, H, W] get a 2-pixel border with `pad(x, [0, 0, 2, 2])`.",
                    example: "pad(ones([2, 2]), [1, [0, 2]])     # shape [4, 4]") { args, _ in
                let x = try args.tensor(0)
                let items = try args.list(1)
                guard items.count <= x.rank else {
                    throw args.error(1, "\(items.count) widths for a tensor of rank \(x.rank) (shape \(x.shape.shapeText))")
                }
                let widths: [(Int, Int)] = try items.enumerated().map { k, item in
                    if let n = item.exactInteger, n >= 0 { return (n, n) }
                    if case .list(let pair) = item, pair.count == 2,
                       let a = pair[0].exactInteger, let b = pair[1].exactInteger, a >= 0, b >= 0 {
                        return (a, b)
                    }
                    throw args.error(1, "each width must be an integer or a pair [before, after] of integers 0 or more, item \(k + 1) is \(item.description)")
                }
                return tensorValue(try x.padded(widths, value: try args.float("value")))
            },
            Builtin("matmul", parameters: [.required("a"), .required("b")],
                    help: "Matrix product over the last two axes (`a @ b`); leading axes broadcast as batches, and a 1-D operand is a row (left) or column (right) vector.",
                    example: "a = ones([2, 3])\nb = ones([3, 4])\nmatmul(a, b)             # shape [2, 4], every value 3") { args, _ in
                let a = try args.tensor(0), b = try args.tensor(1)
                guard a.rank >= 1 else { throw args.error(0, "matmul needs a tensor of rank 1 or more, got a rank-0 tensor") }
                guard b.rank >= 1 else { throw args.error(1, "matmul needs a tensor of rank 1 or more, got a rank-0 tensor") }
                return tensorValue(try a.matmul(b))
            },
            Builtin("where", parameters: [.required("mask"), .required("a"), .required("b")],
                    help: "Elements of `a` where `mask` is non-zero and of `b` elsewhere; the three broadcast together, and `a` or `b` may be numbers. Masks come from comparisons: `where(x > 0, x, 0)`.",
                    example: "x = tensor([-1, 2, -3])\nwhere(x > 0, x, 0)       # [0, 2, 0]") { args, _ in
                tensorValue(try Tensor.where(try args.tensor(0), try args.tensor(1), try args.tensor(2)))
            },
        ]
    }

    /// A list of tensors (items may be numbers or nested lists too).
    static func tensorList(_ args: Arguments, _ i: Int) throws -> [Tensor] {
        guard case .list(let items) = args.value(i) else { throw args.typeError(i, expected: "list of tensors") }
        guard !items.isEmpty else { throw args.error(i, "list of tensors expected, got an empty list") }
        return try items.enumerated().map { k, item in
            do {
                return try TensorObject.tensor(from: item)
            } catch is TensorObject.ConversionProblem {
                throw args.error(i, "list of tensors expected, item \(k + 1) is \(Arguments.describe(item))")
            }
        }
    }
}
