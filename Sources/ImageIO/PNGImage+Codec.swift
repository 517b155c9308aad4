// PNGImage+Codec: PNG decoding and encoding through libpng's simplified API, which reports
// errors through return codes and `message` (never longjmp into Swift). No raw chunk parsing.
import CPNG

extension PNGImage {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Reads a PNG file.
    ///
    /// Grey, grey + alpha, RGB and RGBA files keep their channels; palette files become RGB (or
    /// RGBA when the palette has transparency); 1/2/4-bit files are expanded to 8 bits and
    /// 16-bit files are scaled down to 8 bits (`v * 255 / 65535`, rounded). Files carrying a
    /// non-sRGB gamma are converted to sRGB.
    public static func read(path: String) throws -> PNGImage {
        let bytes = try AtomicFile.read(path, op: "png")
        return try decode(bytes, source: "'\(path)'")
    }

    /// Decodes PNG bytes held in memory; `source` names them in error messages.
    public static func decode(_ bytes: [UInt8], source: String = "the data") throws -> PNGImage {
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
            if bytes.isEmpty { throw ImageIOError("png: cannot read \(source): the file is empty") }
            throw ImageIOError("png: cannot read \(source): not a PNG file (its first bytes are not the PNG signature)")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }

        return try bytes.withUnsafeBytes { buf -> PNGImage in
            guard png_image_begin_read_from_memory(&image, buf.baseAddress, buf.count) != 0 else {
                throw damaged(source, libpngMessage(&image))
            }
            let width = Int(image.width), height = Int(image.height)
            guard width > 0, height > 0, width <= maxPixels, height <= maxPixels, width * height <= maxPixels else {
                throw ImageIOError("png: cannot read \(source): a \(width)x\(height) picture is too large (at most \(maxPixels) pixels)")
            }
            // 16-bit files without gamma information are taken as sRGB-encoded, so scaling
            // to 8 bits keeps their values instead of applying a linear-to-sRGB curve.
            image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
            let keep = UInt32(PNG_FORMAT_FLAG_ALPHA | PNG_FORMAT_FLAG_COLOR)
            image.format &= keep
            let channels = (image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0 ? 3 : 1)
                + (image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0 ? 1 : 0)
            // Checked before allocating: deflate expands at most 1032:1 and one stored byte
            // becomes at most 32 output bytes (8 one-bit palette pixels, RGBA), so a header
            // promising more than that is damage, not a picture.
            guard width * height * channels <= bytes.count * 1032 * 32 else {
                throw ImageIOError("png: cannot read \(source): its header promises a \(width)x\(height) picture, more than its \(bytes.count) bytes can hold; the PNG file is damaged or truncated")
            }
            var pixels = [UInt8](repeating: 0, count: width * height * channels)
            let ok = pixels.withUnsafeMutableBytes { out in
                png_image_finish_read(&image, nil, out.baseAddress, Int32(width * channels), nil)
            }
            guard ok != 0 else { throw damaged(source, libpngMessage(&image)) }
            return PNGImage(unchecked: width, height: height, channels: channels, pixels: pixels)
        }
    }

    /// The picture encoded as PNG bytes (8 bits per channel, no gamma conversion).
    public func encoded() throws -> [UInt8] {
        // Stored deflate never grows the data by more than a few bytes per 16 KB block, so
        // this first guess is nearly always enough; libpng reports the size it needs if not.
        let raw = (width * channels + 1) * height
        return try encoded(initialCapacity: raw + raw / 1024 + 4096)
    }

    /// Encodes into a buffer of `initialCapacity` bytes, growing it once to the size libpng
    /// asks for (tests start small to exercise the retry).
    func encoded(initialCapacity: Int) throws -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = (channels >= 3 ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0)
            | (hasAlpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
        defer { png_image_free(&image) }

        let stride = Int32(width * channels)
        var capacity = initialCapacity
        for _ in 0..<2 {
            var out = [UInt8](repeating: 0, count: capacity)
            var size = capacity
            let ok = pixels.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in
                    png_image_write_to_memory(&image, dst.baseAddress, &size, 0, src.baseAddress, stride, nil)
                }
            }
            if ok != 0 {
                out.removeSubrange(size...)
                return out
            }
            guard size > capacity else {
                throw ImageIOError("png: cannot encode a \(width)x\(height) picture: \(libpngMessage(&image))")
            }
            capacity = size
            png_image_free(&image)
            image.warning_or_error = 0
        }
        throw ImageIOError("png: cannot encode a \(width)x\(height) picture: the output kept growing")
    }

    /// Writes the picture as a PNG file, atomically: a temporary file beside `path` is written
    /// and renamed over it, so a failure (missing folder, permission, full disk) throws and
    /// leaves no partial file.
    public func write(to path: String) throws {
        try AtomicFile.write(try encoded(), to: path, op: "png")
    }

    private static func damaged(_ source: String, _ detail: String) -> ImageIOError {
        ImageIOError("png: cannot read \(source): the PNG file is damaged or truncated (libpng: \(detail))")
    }
}

/// The text libpng left in `image.message`.
private func libpngMessage(_ image: inout png_image) -> String {
    let text = withUnsafeBytes(of: &image.message) { raw -> String in
        let bytes = raw.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
    return text.isEmpty ? "unknown error" : text
}
