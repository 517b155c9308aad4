// Convolution, pooling and resampling on Variables. Each op's backward is another op of this
// file (conv <-> its two adjoints, pool <-> its adjoint, gather <-> scatter), so the set is
// closed under differentiation and gradients of gradients work.
import TensorCore

extension Variable {
    /// conv2d(x, weight) + bias.
    public func conv2d(_ weight: Variable, bias: Variable? = nil, stride: Int = 1, padding: Int = 0) throws -> Variable {
        let x = self
        let out = try value.conv2d(weight.value, bias: bias?.value, stride: stride, padding: padding)
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return Variable.record("conv2d", out, inputs) { g, needs in
            var r: [Variable?] = [
                needs[0] ? try Variable.conv2dBackwardInput(g, weight: weight, inputShape: x.shape, stride: stride, padding: padding) : nil,
                needs[1] ? try Variable.conv2dBackwardWeight(input: x, dy: g, weightShape: weight.shape, stride: stride, padding: padding) : nil,
            ]
            if bias != nil { r.append(needs[2] ? try g.sum(axes: [0, 2, 3]) : nil) }
            return r
        }
    }

    /// The input gradient of a convolution as a differentiable function of (dy, weight).
    public static func conv2dBackwardInput(_ dy: Variable, weight: Variable, inputShape: [Int], stride: Int, padding: Int) throws -> Variable {
        let out = try Tensor.conv2dBackwardInput(dy.value, weight: weight.value, inputShape: inputShape, stride: stride, padding: padding)
        return record("conv2d_backward_input", out, [dy, weight]) { g, needs in
            [needs[0] ? try g.conv2d(weight, stride: stride, padding: padding) : nil,
             needs[1] ? try conv2dBackwardWeight(input: g, dy: dy, weightShape: weight.shape, stride: stride, padding: padding) : nil]
        }
    }

    /// The weight gradient of a convolution as a differentiable function of (x, dy).
    public static func conv2dBackwardWeight(input x: Variable, dy: Variable, weightShape: [Int], stride: Int, padding: Int) throws -> Variable {
        let out = try Tensor.conv2dBackwardWeight(input: x.value, dy: dy.value, weightShape: weightShape, stride: stride, padding: padding)
        return record("conv2d_backward_weight", out, [x, dy]) { g, needs in
            [needs[0] ? try conv2dBackwardInput(dy, weight: g, inputShape: x.shape, stride: stride, padding: padding) : nil,
             needs[1] ? try x.conv2d(g, stride: stride, padding: padding) : nil]
        }
    }

    public func avgPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Variable {
        let inShape = shape
        let out = try value.avgPool2d(kernel: kernel, stride: stride, padding: padding)
        return Variable.record("avg_pool2d", out, [self]) { g, _ in
            [try g.avgPool2dBackward(inputShape: inShape, kernel: kernel, stride: stride, padding: padding)]
        }
    }

    public func avgPool2dBackward(inputShape: [Int], kernel: Int, stride: Int?, padding: Int) throws -> Variable {
        let out = try value.avgPool2dBackward(inputShape: inputShape, kernel: kernel, stride: stride, padding: padding)
        return Variable.record("avg_pool2d_backward", out, [self]) { g, _ in
            [try g.avgPool2d(kernel: kernel, stride: stride, padding: padding)]
        }
    }

    public func maxPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Variable {
        let inShape = shape
        let (out, idx) = try value.maxPool2d(kernel: kernel, stride: stride, padding: padding)
        return Variable.record("max_pool2d", out, [self]) { g, _ in [try g.planeScatter(idx, inputShape: inShape)] }
    }

    public func planeScatter(_ indices: [Int32], inputShape: [Int]) throws -> Variable {
        let outShape = shape
        let out = try value.planeScatter(indices, inputShape: inputShape)
        return Variable.record("plane_scatter", out, [self]) { g, _ in [try g.planeGather(indices, outShape: outShape)] }
    }

    public func planeGather(_ indices: [Int32], outShape: [Int]) throws -> Variable {
        let inShape = shape
        let out = try value.planeGather(indices, outShape: outShape)
        return Variable.record("plane_gather", out, [self]) { g, _ in [try g.planeScatter(indices, inputShape: inShape)] }
    }

    public func resizeBilinear(height: Int, width: Int) throws -> Variable {
        let inShape = shape
        let out = try value.resizeBilinear(height: height, width: width)
        return Variable.record("resize", out, [self]) { g, _ in [try g.resizeBilinearBackward(inputShape: inShape)] }
    }

    public func resizeBilinearBackward(inputShape: [Int]) throws -> Variable {
        let outShape = shape
        let out = try value.resizeBilinearBackward(inputShape: inputShape)
        return Variable.record("resize_backward", out, [self]) { g, _ in
            [try g.resizeBilinear(height: outShape[2], width: outShape[3])]
        }
    }

    /// Affine resampling with a constant `theta` [n, 2, 3]; differentiable in the image.
    public func affineGridSample(theta: Tensor) throws -> Variable {
        let out = try value.affineGridSample(theta: theta)
        return Variable.record("grid_sample", out, [self]) { g, _ in [try g.affineGridSampleBackward(theta: theta)] }
    }

    public func affineGridSampleBackward(theta: Tensor) throws -> Variable {
        let out = try value.affineGridSampleBackward(theta: theta)
        return Variable.record("grid_sample_backward", out, [self]) { g, _ in [try g.affineGridSample(theta: theta)] }
    }
}
