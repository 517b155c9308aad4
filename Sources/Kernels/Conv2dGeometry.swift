// The shape of one 2-D convolution (NCHW, square stride and padding, groups = 1).
// It validates nothing a user typed: TensorCore checks shapes and throws before calling kernels.

/// Sizes of a 2-D convolution: input `[batch, inChannels, height, width]`, weight
/// `[outChannels, inChannels, kernelH, kernelW]`, output `[batch, outChannels, outHeight, outWidth]`.
///
///     let g = Conv2dGeometry(batch: 256, inChannels: 3, height: 32, width: 32,
///                            outChannels: 128, kernelH: 3, kernelW: 3, padding: 1)
///     // g.outHeight == 32
public struct Conv2dGeometry: Equatable, Sendable {
    public var batch, inChannels, height, width, outChannels, kernelH, kernelW, stride, padding: Int

    /// A geometry with the given sizes; stride defaults to 1 and padding to 0.
    public init(
        batch: Int, inChannels: Int, height: Int, width: Int, outChannels: Int,
        kernelH: Int, kernelW: Int, stride: Int = 1, padding: Int = 0
    ) {
        self.batch = batch
        self.inChannels = inChannels
        self.height = height
        self.width = width
        self.outChannels = outChannels
        self.kernelH = kernelH
        self.kernelW = kernelW
        self.stride = stride
        self.padding = padding
    }

    /// Output rows: `(height + 2 * padding - kernelH) / stride + 1`.
    public var outHeight: Int { (height + 2 * padding - kernelH) / stride + 1 }
    /// Output columns: `(width + 2 * padding - kernelW) / stride + 1`.
    public var outWidth: Int { (width + 2 * padding - kernelW) / stride + 1 }

    /// Whether the sizes describe a convolution the kernels can run (positive sizes, a kernel
    /// that fits the padded input).
    public var isValid: Bool {
        batch >= 0 && inChannels > 0 && height > 0 && width > 0 && outChannels > 0
            && kernelH > 0 && kernelW > 0 && stride > 0 && padding >= 0
            && height + 2 * padding >= kernelH && width + 2 * padding >= kernelW
    }

    /// Elements of one input image, `inChannels * height * width`.
    public var inputPlaneCount: Int { inChannels * height * width }
    /// Elements of one output image, `outChannels * outHeight * outWidth`.
    public var outputPlaneCount: Int { outChannels * outHeight * outWidth }
    /// Length of one im2col column (one output pixel's receptive field), `inChannels * kernelH * kernelW`.
    public var patchCount: Int { inChannels * kernelH * kernelW }
    /// Elements of the weight, `outChannels * patchCount`.
    public var weightCount: Int { outChannels * patchCount }
}
