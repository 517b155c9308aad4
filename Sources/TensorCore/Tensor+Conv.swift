// Convolution, pooling and resampling on tensors (NCHW): shape checks and calls into Kernels.
// The adjoint (backward) forms are public too: Autograd builds its differentiable rules on them.
import Kernels

extension Tensor {
    func requireNCHW(_ op: String, _ name: String = "input") throws -> (Int, Int, Int, Int) {
        guard rank == 4 else { throw TensorError("\(op): \(name) must be [n, c, h, w], got \(shape.shapeText)") }
        return (shape[0], shape[1], shape[2], shape[3])
    }

    static func convGeometry(_ op: String, input: [Int], weight: [Int], stride: Int, padding: Int) throws -> Conv2dGeometry {
        guard input.count == 4 else { throw TensorError("\(op): input must be [n, c, h, w], got \(input.shapeText)") }
        guard weight.count == 4 else { throw TensorError("\(op): weight must be [out, in, kh, kw], got \(weight.shapeText)") }
        guard input[1] == weight[1] else {
            throw TensorError("\(op): input has \(input[1]) channels but weight \(weight.shapeText) expects \(weight[1])")
        }
        guard stride >= 1, padding >= 0 else {
            throw TensorError("\(op): stride must be >= 1 and padding >= 0, got stride \(stride), padding \(padding)")
        }
        // Bounded before any arithmetic on them (extents are at most maxElements).
        guard stride <= maxElements, padding <= maxElements else {
            throw TensorError("\(op): stride \(stride) or padding \(padding) is too large (at most \(maxElements))")
        }
        let g = Conv2dGeometry(batch: input[0], inChannels: input[1], height: input[2], width: input[3],
                               outChannels: weight[0], kernelH: weight[2], kernelW: weight[3],
                               stride: stride, padding: padding)
        guard input[2] + 2 * padding >= weight[2], input[3] + 2 * padding >= weight[3], g.outHeight > 0, g.outWidth > 0 else {
            throw TensorError("\(op): kernel \(weight[2])x\(weight[3]) is larger than the padded input \(input[2])x\(input[3]) (padding \(padding))")
        }
        // The result (or input gradient), and the kernel's per-image patch matrix
        // [c*kh*kw, oh*ow], can each be far larger than the operands.
        try checkShape([g.batch, g.outChannels, g.outHeight, g.outWidth], op: op)
        try checkShape([input[1], weight[2], weight[3], g.outHeight, g.outWidth], op: op + " (its patch matrix)")
        return g
    }

    /// 2-D convolution (cross-correlation, as PyTorch): x [n, c, h, w], weight [oc, c, kh, kw].
    public func conv2d(_ weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) throws -> Tensor {
        let g = try Tensor.convGeometry("conv2d", input: shape, weight: weight.shape, stride: stride, padding: padding)
        if let bias, bias.shape != [weight.shape[0]] {
            throw TensorError("conv2d: bias must be [\(weight.shape[0])], got \(bias.shape.shapeText)")
        }
        return data.withUnsafeBufferPointer { x in
            weight.data.withUnsafeBufferPointer { w in
                Tensor(uninitializedShape: [g.batch, g.outChannels, g.outHeight, g.outWidth]) { y in
                    if let bias {
                        bias.data.withUnsafeBufferPointer { b in
                            conv2dForward(g, x: x.baseAddress!, weight: w.baseAddress!, bias: b.baseAddress!, y: y.baseAddress!)
                        }
                    } else {
                        conv2dForward(g, x: x.baseAddress!, weight: w.baseAddress!, bias: nil, y: y.baseAddress!)
                    }
                }
            }
        }
    }

    /// Gradient of conv2d with respect to its input, given the output gradient `dy`.
    public static func conv2dBackwardInput(_ dy: Tensor, weight: Tensor, inputShape: [Int], stride: Int = 1, padding: Int = 0) throws -> Tensor {
        let g = try convGeometry("conv2d_backward_input", input: inputShape, weight: weight.shape, stride: stride, padding: padding)
        guard dy.shape == [g.batch, g.outChannels, g.outHeight, g.outWidth] else {
            throw TensorError("conv2d_backward_input: output gradient \(dy.shape.shapeText) does not match \([g.batch, g.outChannels, g.outHeight, g.outWidth].shapeText)")
        }
        return dy.data.withUnsafeBufferPointer { d in
            weight.data.withUnsafeBufferPointer { w in
                Tensor(uninitializedShape: inputShape) { dx in
                    Kernels.conv2dBackwardInput(g, dy: d.baseAddress!, weight: w.baseAddress!, dx: dx.baseAddress!)
                }
            }
        }
    }

    /// Gradient of conv2d with respect to its weight, given input `x` and output gradient `dy`.
    public static func conv2dBackwardWeight(input x: Tensor, dy: Tensor, weightShape: [Int], stride: Int = 1, padding: Int = 0) throws -> Tensor {
        let g = try convGeometry("conv2d_backward_weight", input: x.shape, weight: weightShape, stride: stride, padding: padding)
        guard dy.shape == [g.batch, g.outChannels, g.outHeight, g.outWidth] else {
            throw TensorError("conv2d_backward_weight: output gradient \(dy.shape.shapeText) does not match \([g.batch, g.outChannels, g.outHeight, g.outWidth].shapeText)")
        }
        return x.data.withUnsafeBufferPointer { xp in
            dy.data.withUnsafeBufferPointer { d in
                Tensor(uninitializedShape: weightShape) { dw in
                    Kernels.conv2dBackwardWeight(g, x: xp.baseAddress!, dy: d.baseAddress!, dweight: dw.baseAddress!, dbias: nil)
                }
            }
        }
    }

    static func poolGeometry(_ op: String, _ s: [Int], kernel: Int, stride: Int, padding: Int) throws -> Pool2dGeometry {
        guard s.count == 4 else { throw TensorError("\(op): input must be [n, c, h, w], got \(s.shapeText)") }
        guard kernel >= 1, stride >= 1, padding >= 0, kernel <= maxElements, stride <= maxElements, padding <= kernel / 2 else {
            throw TensorError("\(op): invalid kernel \(kernel), stride \(stride), padding \(padding)")
        }
        let g = Pool2dGeometry(batch: s[0], channels: s[1], height: s[2], width: s[3], kernel: kernel, stride: stride, padding: padding)
        guard s[2] + 2 * padding >= kernel, s[3] + 2 * padding >= kernel, g.outHeight > 0, g.outWidth > 0 else {
            throw TensorError("\(op): kernel \(kernel) is larger than the input \(s[2])x\(s[3])")
        }
        return g
    }

    /// Average pooling (padded zeros count in the divisor, as PyTorch's default).
    public func avgPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Tensor {
        let g = try Tensor.poolGeometry("avg_pool2d", shape, kernel: kernel, stride: stride ?? kernel, padding: padding)
        return data.withUnsafeBufferPointer { x in
            Tensor(uninitializedShape: [g.batch, g.channels, g.outHeight, g.outWidth]) { y in
                avgPool2dForward(g, x: x.baseAddress!, y: y.baseAddress!)
            }
        }
    }

    /// Adjoint of `avgPool2d`: spreads the pooled gradient `self` back over `inputShape`.
    public func avgPool2dBackward(inputShape: [Int], kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Tensor {
        let g = try Tensor.poolGeometry("avg_pool2d_backward", inputShape, kernel: kernel, stride: stride ?? kernel, padding: padding)
        guard shape == [g.batch, g.channels, g.outHeight, g.outWidth] else {
            throw TensorError("avg_pool2d_backward: gradient \(shape.shapeText) does not match the pooled shape")
        }
        return data.withUnsafeBufferPointer { dy in
            Tensor(uninitializedShape: inputShape) { dx in
                Kernels.avgPool2dBackward(g, dy: dy.baseAddress!, dx: dx.baseAddress!)
            }
        }
    }

    /// Max pooling; also returns the flat in-plane index of each chosen element.
    public func maxPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> (Tensor, [Int32]) {
        let g = try Tensor.poolGeometry("max_pool2d", shape, kernel: kernel, stride: stride ?? kernel, padding: padding)
        let outShape = [g.batch, g.channels, g.outHeight, g.outWidth]
        var idx = [Int32](repeating: 0, count: outShape.reduce(1, *))
        let y = data.withUnsafeBufferPointer { x in
            idx.withUnsafeMutableBufferPointer { ip in
                Tensor(uninitializedShape: outShape) { y in
                    maxPool2dForward(g, x: x.baseAddress!, y: y.baseAddress!, indices: ip.baseAddress!)
                }
            }
        }
        return (y, idx)
    }

    /// Adds each pooled gradient into the input position `indices` picked (adjoint of `planeGather`).
    public func planeScatter(_ indices: [Int32], inputShape: [Int]) throws -> Tensor {
        guard inputShape.count == 4, rank == 4, shape[0] == inputShape[0], shape[1] == inputShape[1], indices.count == count else {
            throw TensorError("plane_scatter: gradient \(shape.shapeText) and \(indices.count) indices do not fit \(inputShape.shapeText)")
        }
        let plane = inputShape[2] * inputShape[3], outPlane = shape[2] * shape[3]
        var out = [Float](repeating: 0, count: inputShape.reduce(1, *))
        for p in 0..<(shape[0] * shape[1]) {
            for j in 0..<outPlane { out[p * plane + Int(indices[p * outPlane + j])] += data[p * outPlane + j] }
        }
        return Tensor(unchecked: inputShape, data: out)
    }

    /// Picks, per plane, the elements at `indices` into a tensor of `outShape`.
    public func planeGather(_ indices: [Int32], outShape: [Int]) throws -> Tensor {
        guard outShape.count == 4, rank == 4, shape[0] == outShape[0], shape[1] == outShape[1], indices.count == outShape.reduce(1, *) else {
            throw TensorError("plane_gather: \(shape.shapeText) and \(indices.count) indices do not fit \(outShape.shapeText)")
        }
        let plane = shape[2] * shape[3], outPlane = outShape[2] * outShape[3]
        var out = [Float](repeating: 0, count: indices.count)
        for p in 0..<(shape[0] * shape[1]) {
            for j in 0..<outPlane { out[p * outPlane + j] = data[p * plane + Int(indices[p * outPlane + j])] }
        }
        return Tensor(unchecked: outShape, data: out)
    }

    /// Bilinear resize to [outH, outW] (align_corners = false, as PyTorch).
    public func resizeBilinear(height outH: Int, width outW: Int) throws -> Tensor {
        let (n, c, h, w) = try requireNCHW("resize")
        guard outH > 0, outW > 0 else { throw TensorError("resize: size must be positive, got \(outH)x\(outW)") }
        return try data.withUnsafeBufferPointer { x in
            try Tensor(checkedShape: [n, c, outH, outW], op: "resize") { y in
                bilinearResizeForward(n: n, c: c, h: h, w: w, outH: outH, outW: outW, x: x.baseAddress!, y: y.baseAddress!)
            }
        }
    }

    /// Adjoint of `resizeBilinear`: maps a gradient of the resized image back to `inputShape`.
    public func resizeBilinearBackward(inputShape: [Int]) throws -> Tensor {
        let (n, c, outH, outW) = try requireNCHW("resize_backward")
        guard inputShape.count == 4, inputShape[0] == n, inputShape[1] == c else {
            throw TensorError("resize_backward: \(shape.shapeText) does not fit input \(inputShape.shapeText)")
        }
        return data.withUnsafeBufferPointer { dy in
            Tensor(uninitializedShape: inputShape) { dx in
                bilinearResizeBackward(n: n, c: c, h: inputShape[2], w: inputShape[3], outH: outH, outW: outW, dy: dy.baseAddress!, dx: dx.baseAddress!)
            }
        }
    }

    /// Samples this [n, c, h, w] batch through per-image affine maps `theta` [n, 2, 3]
    /// (bilinear, zero padding, align_corners = true; the DSA scale/rotate transforms).
    public func affineGridSample(theta: Tensor) throws -> Tensor {
        let (n, c, h, w) = try requireNCHW("grid_sample")
        guard theta.shape == [n, 2, 3] else { throw TensorError("grid_sample: theta must be [\(n), 2, 3], got \(theta.shape.shapeText)") }
        return data.withUnsafeBufferPointer { x in
            theta.data.withUnsafeBufferPointer { t in
                Tensor(uninitializedShape: shape) { y in
                    affineGridSampleForward(n: n, c: c, h: h, w: w, theta: t.baseAddress!, x: x.baseAddress!, y: y.baseAddress!)
                }
            }
        }
    }

    /// Adjoint of `affineGridSample` with respect to the image.
    public func affineGridSampleBackward(theta: Tensor) throws -> Tensor {
        let (n, c, h, w) = try requireNCHW("grid_sample_backward")
        guard theta.shape == [n, 2, 3] else { throw TensorError("grid_sample_backward: theta must be [\(n), 2, 3], got \(theta.shape.shapeText)") }
        return data.withUnsafeBufferPointer { dy in
            theta.data.withUnsafeBufferPointer { t in
                Tensor(uninitializedShape: shape) { dx in
                    Kernels.affineGridSampleBackward(n: n, c: c, h: h, w: w, theta: t.baseAddress!, dy: dy.baseAddress!, dx: dx.baseAddress!)
                }
            }
        }
    }
}
