// Neural-network tensor builtins without gradients: softmax, log_softmax, cross_entropy,
// conv2d and 2-D pooling. Training and models are the model library's business, not this one.
import Script
import TensorCore

extension TensorLibrary {
    static var network: [Builtin] {
        [
            Builtin("softmax", parameters: [.required("x"), .optional("axis", default: .number(-1))],
                    help: "exp(x) normalised to sum to 1 along `axis` (the last by default), computed stably by subtracting the maximum first.",
                    example: "softmax(tensor([1, 2, 3]))       # [0.09003, 0.2447, 0.6652]") { args, _ in
                tensorValue(try args.tensor(0).softmax(axis: try args.integer(1)))
            },
            Builtin("log_softmax", parameters: [.required("x"), .optional("axis", default: .number(-1))],
                    help: "The logarithm of `softmax` along `axis` (the last by default), computed without forming the softmax, so very negative values stay finite.",
                    example: "log_softmax(tensor([[0, 0]]))    # [[-0.6931, -0.6931]]") { args, _ in
                tensorValue(try args.tensor(0).logSoftmax(axis: try args.integer(1)))
            },
            Builtin("cross_entropy", parameters: [.required("logits"), .required("labels")],
                    help: "The mean negative log-likelihood of integer `labels` (a list or 1-D tensor, one per row) under `logits` [N, classes], as a number: the classification loss.",
                    example: "cross_entropy(tensor([[2, 0], [0, 2]]), [0, 1])   # 0.1269") { args, _ in
                let logits = try args.tensor(0)
                guard logits.rank == 2 else { throw args.error(0, "logits must be [N, classes], got shape \(logits.shape.shapeText)") }
                return numberValue(try logits.crossEntropy(labels: try labels(args, 1)))
            },
            Builtin("conv2d", parameters: [.required("x"), .required("weight"), .named("bias"), .named("stride", default: .number(1)), .named("padding", default: .number(0))],
                    help: "2-D convolution (cross-correlation, as in PyTorch) of images x [N, C, H, W] with filters weight [out, C, kh, kw], plus an optional bias [out]; zero `padding` on every side, then `stride`. The result is [N, out, H', W'] with H' = (H + 2 padding - kh) / stride + 1.",
                    example: "x = randn([1, 3, 8, 8], seed=1)\nw = randn([4, 3, 3, 3], seed=2)\nconv2d(x, w, padding=1)          # shape [1, 4, 8, 8]") { args, _ in
                let x = try args.tensor(0), w = try args.tensor(1)
                guard x.rank == 4 else { throw args.error(0, "images [N, C, H, W] expected, got shape \(x.shape.shapeText)") }
                guard w.rank == 4 else { throw args.error(1, "weight [out, C, kh, kw] expected, got shape \(w.shape.shapeText)") }
                let stride = try args.integer("stride", atLeast: 1), padding = try args.integer("padding", atLeast: 0)
                return tensorValue(try x.conv2d(w, bias: try args.optionalTensor("bias"), stride: stride, padding: padding))
            },
            pooling("avg_pool2d", "The mean of each kernel x kernel window (padded zeros count in the mean)") { x, k, s, p in
                try x.avgPool2d(kernel: k, stride: s, padding: p)
            },
            pooling("max_pool2d", "The largest value of each kernel x kernel window") { x, k, s, p in
                try x.maxPool2d(kernel: k, stride: s, padding: p).0
            },
        ]
    }

    /// A pooling builtin: `name(x, kernel, stride=kernel, padding=0)` on [N, C, H, W].
    static func pooling(_ name: String, _ what: String, _ op: @escaping (Tensor, Int, Int, Int) throws -> Tensor) -> Builtin {
        Builtin(name, parameters: [.required("x"), .required("kernel"), .named("stride"), .named("padding", default: .number(0))],
                help: "\(what) of images x [N, C, H, W], moving by `stride` (the kernel size by default) after `padding` on every side (at most half the kernel).",
                example: "\(name)(ones([1, 1, 4, 4]), 2)      # shape [1, 1, 2, 2]") { args, _ in
            let x = try args.tensor(0)
            guard x.rank == 4 else { throw args.error(0, "images [N, C, H, W] expected, got shape \(x.shape.shapeText)") }
            let kernel = try args.integer(1, atLeast: 1)
            let stride = try args.optionalInteger("stride") ?? kernel
            guard stride >= 1 else { throw args.error(args.index("stride"), "stride must be 1 or more, got \(stride)") }
            let padding = try args.integer("padding", atLeast: 0)
            guard padding * 2 <= kernel else {
                throw args.error(args.index("padding"), "padding must be at most half the kernel (\(kernel / 2)), got \(padding)")
            }
            return tensorValue(try op(x, kernel, stride, padding))
        }
    }
}
