// The shape of one 2-D pooling (NCHW, square window, floor mode as PyTorch's default).
// It validates nothing a user typed: TensorCore checks shapes and throws before calling kernels.

/// Sizes of a 2-D pooling: input `[batch, channels, height, width]`, square `kernel` window,
/// output `[batch, channels, outHeight, outWidth]` in floor mode.
///
///     let g = Pool2dGeometry(batch: 8, channels: 128, height: 32, width: 32, kernel: 2, stride: 2)
///     // g.outHeight == 16
public struct Pool2dGeometry: Equatable, Sendable {
    public var batch, channels, height, width, kernel, stride, padding: Int

    /// A geometry with the given sizes; padding defaults to 0.
    public init(batch: Int, channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int = 0) {
        self.batch = batch
        self.channels = channels
        self.height = height
        self.width = width
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// Output rows (floor mode): `(height + 2 * padding - kernel) / stride + 1`.
    public var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    /// Output columns (floor mode): `(width + 2 * padding - kernel) / stride + 1`.
    public var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }

    /// Whether the kernels can run these sizes: positive sizes, a window that fits the padded
    /// input, and `padding <= kernel / 2` (PyTorch's rule, so no window is all padding).
    public var isValid: Bool {
        batch >= 0 && channels > 0 && height > 0 && width > 0 && kernel > 0 && stride > 0
            && padding >= 0 && 2 * padding <= kernel
            && height + 2 * padding >= kernel && width + 2 * padding >= kernel
    }
}
