// Fuzz target `png`: PNG bytes through ImageIO's decoder (libpng's simplified API). A picture
// that decodes must encode and decode again to the same pixels.
import Foundation
import ImageIO

enum PNGHarness {
    static let target = FuzzTarget(
        name: "png", summary: "PNG decoding, round trip", maxLength: 16384, run: run, seeds: seeds)

    static func run(_ input: [UInt8]) {
        let image: PNGImage
        do {
            image = try PNGImage.decode(input, source: "fuzz")
        } catch {
            FuzzTarget.requireMessage(error, "png")
            return
        }
        do {
            let back = try PNGImage.decode(try image.encoded(), source: "round trip")
            FuzzTarget.require(back == image, "png: a decoded picture does not survive encoding")
        } catch {
            FuzzTarget.require(false, "png: a decoded picture does not encode and decode: \(error)")
        }
    }

    static func seeds() -> [(String, [UInt8])] {
        [(1, 1, 1), (3, 2, 3), (2, 3, 4), (5, 1, 2)].map { w, h, c in
            let pixels = (0..<(w * h * c)).map { UInt8(($0 * 37) % 256) }
            let bytes = try! PNGImage(width: w, height: h, channels: c, pixels: pixels).encoded()
            return ("png-\(w)x\(h)x\(c)", bytes)
        }
    }
}
