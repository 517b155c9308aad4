// RGB: an 8-bit sRGB colour value used for plot series, text and backgrounds. No colour
// management or colour spaces beyond sRGB bytes.

/// A colour with 8-bit sRGB components; grey canvases use `grey`.
public struct RGB: Sendable, Equatable, Hashable {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
    /// A grey level.
    public init(grey: UInt8) { self.init(grey, grey, grey) }
    /// The Rec. 601 luma, used when drawing on a grey canvas.
    public var grey: UInt8 {
        PNGImage.byte(0.299 * Float(r) + 0.587 * Float(g) + 0.114 * Float(b))
    }
    public static let black = RGB(0, 0, 0)
    public static let white = RGB(255, 255, 255)
}
