// The tensor namespace: the table of tensor builtins and the methods a tensor offers. Creation
// builtins are here; shape, math and network ops are in TensorLibrary+Shape/+Math/+Network.
// The core names min, max, abs, round, floor and ceil stay core builtins that call the methods.
import Script
import TensorCore

/// Builtins that create, reshape, combine and compute with tensors.
public enum TensorLibrary {
    /// The `tensor` namespace table.
    public static var namespace: BuiltinNamespace {
        BuiltinNamespace(name: "tensor", summary: "creating, reshaping and computing with tensors",
                         builtins: creation + shape + math + network)
    }

    /// Builtins reachable as methods (`x.sum(axis=0)`), by name: the registered builtins whose
    /// first parameter is the tensor, plus method-only ones whose names the core namespace owns.
    static let methods: [String: Builtin] = {
        let registered = (shape + math + network).filter { methodNames.contains($0.name) }
        return Dictionary(uniqueKeysWithValues: (registered + methodOnly).map { ($0.name, $0) })
    }()

    /// Method names, in the order completion and `help(x)` show them.
    static let methodNames = [
        "sum", "mean", "var", "max", "min", "argmax", "norm",
        "reshape", "transpose", "permute",
        "exp", "log", "sqrt", "abs", "relu", "sigmoid", "tanh", "clamp", "round", "floor", "ceil",
        "softmax", "log_softmax", "item", "tolist",
    ]

    static var creation: [Builtin] {
        [
            Builtin("tensor", parameters: [.required("values")],
                    help: "A tensor from a number or a nested list of numbers: the nesting gives the shape (`[[1, 2], [3, 4]]` is [2, 2]). Every list at one depth must have the same length; a ragged list is an error naming the depth (0 is the outer list). Given a tensor, returns it.",
                    example: "x = tensor([[1, 2], [3, 4]])\nx.shape                  # [2, 2]") { args, _ in
                switch args.value(0) {
                case .host(let object as TensorObject): return .host(object)
                case .number, .bool, .list: return tensorValue(try args.tensor(0))
                default: throw args.typeError(0, expected: "number or nested list of numbers")
                }
            },
            Builtin("zeros", parameters: [.required("shape")],
                    help: "A tensor of the given shape (a list of sizes, or one size for 1-D) filled with zeros.",
                    example: "z = zeros([2, 3])") { args, _ in
                tensorValue(try Tensor.zeros(try args.shape(0)))
            },
            Builtin("ones", parameters: [.required("shape")],
                    help: "A tensor of the given shape (a list of sizes, or one size for 1-D) filled with ones.",
                    example: "o = ones([2, 3])") { args, _ in
                tensorValue(try Tensor.ones(try args.shape(0)))
            },
            Builtin("full", parameters: [.required("shape"), .required("value")],
                    help: "A tensor of the given shape with every element equal to `value`.",
                    example: "f = full([2, 2], 0.5)") { args, _ in
                tensorValue(try Tensor.full(try args.shape(0), try args.float(1)))
            },
            Builtin("arange", parameters: [.required("start_or_stop"), .optional("stop"), .optional("step", default: .number(1))],
                    help: "A 1-D tensor of evenly spaced values, like `range` but with real numbers allowed: `arange(n)` is 0, 1, ..., n-1; `arange(a, b)` runs from a up to (not including) b; `arange(a, b, step)` counts by `step`, which may be negative but not zero.",
                    example: "arange(4)             # 0 1 2 3\narange(0, 1, 0.25)    # 0 0.25 0.5 0.75") { args, _ in
                var start: Float = 0, stop = try args.float(0)
                if args.isGiven(1) { start = stop; stop = try args.float(1) }
                let step = try args.float(2)
                guard step != 0 else { throw args.error(2, "step cannot be zero") }
                return tensorValue(try Tensor.arange(start, stop, step: step))
            },
            Builtin("rand", parameters: [.required("shape"), .named("low", default: .number(0)), .named("high", default: .number(1)), .named("seed")],
                    help: "A tensor of uniform random numbers in [low, high). Without `seed`, the seed is the next one derived from the session seed (see `seed`), so a script gives the same numbers on every run.",
                    example: "u = rand([2, 3], seed=1)") { args, context in
                let shape = try args.shape(0)
                let low = try args.float("low"), high = try args.float("high")
                guard low < high else { throw args.error(args.index("high"), "high must be above low, got low \(Value.format(Double(low))) and high \(Value.format(Double(high)))") }
                var rng = SeededRNG(seed: try context.seed(args))
                return tensorValue(try Tensor.rand(shape, lo: low, hi: high, rng: &rng))
            },
            Builtin("randn", parameters: [.required("shape"), .named("mean", default: .number(0)), .named("std", default: .number(1)), .named("seed")],
                    help: "A tensor of normal random numbers with the given mean and standard deviation. Without `seed`, the seed is the next one derived from the session seed (see `seed`), so a script gives the same numbers on every run.",
                    example: "w = randn([16, 3, 3, 3], std=0.1, seed=1)") { args, context in
                let shape = try args.shape(0)
                let mean = try args.float("mean"), std = try args.float("std")
                guard std >= 0 else { throw args.error(args.index("std"), "std must be 0 or more, got \(Value.format(Double(std)))") }
                var rng = SeededRNG(seed: try context.seed(args))
                return tensorValue(try Tensor.randn(shape, mean: mean, std: std, rng: &rng))
            },
            Builtin("one_hot", parameters: [.required("labels"), .required("classes")],
                    help: "Rows of zeros with a one at each label: a [len(labels), classes] tensor. Labels are a list or 1-D tensor of integers in 0..<classes.",
                    example: "one_hot([0, 2], 3)       # [[1, 0, 0], [0, 0, 1]]") { args, _ in
                let classes = try args.integer(1, atLeast: 1)
                return tensorValue(try Tensor.oneHot(try labels(args, 0), classes: classes))
            },
        ]
    }

    /// Class labels: a list of integers or a tensor of whole numbers (rank 0 or 1).
    static func labels(_ args: Arguments, _ i: Int) throws -> [Int] {
        if case .list = args.value(i) {
            if let ints = try? args.integers(i) { return ints }
        }
        let t = try args.tensor(i)
        guard t.rank <= 1 else { throw args.error(i, "labels must be a list or 1-D tensor of integers, got shape \(t.shape.shapeText)") }
        return try t.data.enumerated().map { k, v in
            guard v == v.rounded(), v.isFinite else {
                throw args.error(i, "labels must be integers, item \(k + 1) is \(TensorObject.format(v))")
            }
            return Int(v)
        }
    }
}
