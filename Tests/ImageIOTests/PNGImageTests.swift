// Tests for PNGImage: bit-exact round trips, foreign formats (palette, 16-bit, 1-bit, alpha),
// damaged files, atomic writes and write failures, tensor conversions.
import Foundation
import Testing
import Persistence
import TensorCore
@testable import ImageIO

/// Every byte value appears; odd sizes catch stride mistakes.
private func ramp(_ count: Int, seed: Int = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 * 37 + seed) }
}

private func readError(_ body: () throws -> Void) -> String {
    do { try body(); return "no error" } catch { return "\(error)" }
}

@Test(arguments: [1, 2, 3, 4])
func roundTripIsBitExact(channels: Int) throws {
    let dir = try TempFolder()
    defer { dir.remove() }
    let img = try PNGImage(width: 7, height: 5, channels: channels, pixels: ramp(7 * 5 * channels, seed: channels))
    let path = dir.file("x.png")
    try img.write(to: path)
    let back = try PNGImage.read(path: path)
    #expect(back == img)
    #expect(dir.contents == ["x.png"])
}

@Test func largeRoundTripThroughMemory() throws {
    var rng = SeededRNG(seed: 3)
    // Noise does not compress, so the first encode buffer guess is exercised at its limit.
    let pixels = (0..<(301 * 211 * 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    let img = try PNGImage(width: 301, height: 211, channels: 3, pixels: pixels)
    let bytes = try img.encoded()
    #expect(Array(bytes[0..<8]) == PNGImage.signature)
    #expect(try PNGImage.decode(bytes) == img)
    // A too-small first buffer is grown to the size libpng asks for.
    let retried = try img.encoded(initialCapacity: 100)
    #expect(retried == bytes)
}

@Test func paletteFileBecomesRGB() throws {
    let plte: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255]
    let png = RawPNG.make(width: 3, height: 2, bitDepth: 8, colorType: 3,
                          rows: [[0, 1, 2], [2, 2, 0]], extraChunks: [("PLTE", plte)])
    let img = try PNGImage.decode(png)
    #expect(img.channels == 3)
    #expect(img.pixels == [255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255, 255, 0, 0])
}

@Test func paletteWithTransparencyBecomesRGBA() throws {
    // 2-bit palette indices packed four to a byte: 0, 1, 1, 0.
    let png = RawPNG.make(width: 4, height: 1, bitDepth: 2, colorType: 3, rows: [[0b00_01_01_00]],
                          extraChunks: [("PLTE", [10, 20, 30, 40, 50, 60]), ("tRNS", [0, 255])])
    let img = try PNGImage.decode(png)
    #expect(img.channels == 4)
    #expect(img.pixels == [10, 20, 30, 0, 40, 50, 60, 255, 40, 50, 60, 255, 10, 20, 30, 0])
}

@Test func sixteenBitGreyIsScaledToEightBits() throws {
    let values: [Int] = [0, 65535, 0x8080, 0x0101 * 200]
    let row = values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    let img = try PNGImage.decode(RawPNG.make(width: 4, height: 1, bitDepth: 16, colorType: 0, rows: [row]))
    #expect(img.channels == 1)
    #expect(img.pixels == [0, 255, 128, 200])
}

@Test func sixteenBitRGBAKeepsStraightAlpha() throws {
    let px: [Int] = [0xFFFF, 0x0000, 0x8080, 0x8080]
    let row = px.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    let img = try PNGImage.decode(RawPNG.make(width: 1, height: 1, bitDepth: 16, colorType: 6, rows: [row]))
    #expect(img.channels == 4)
    #expect(img.pixels == [255, 0, 128, 128])
}

@Test func oneBitGreyIsExpanded() throws {
    let img = try PNGImage.decode(RawPNG.make(width: 10, height: 1, bitDepth: 1, colorType: 0,
                                              rows: [[0b1010_0000, 0b0100_0000]]))
    #expect(img.pixels == [255, 0, 255, 0, 0, 0, 0, 0, 0, 255])
}

@Test func interlacedFileIsDeinterlaced() throws {
    // Adam7 on 2x2: pass 1 holds (0,0), pass 6 holds (1,0), pass 7 holds row 1.
    let png = RawPNG.make(width: 2, height: 2, bitDepth: 8, colorType: 0, rows: [[10], [20], [30, 40]], interlaced: true)
    #expect(try PNGImage.decode(png).pixels == [10, 20, 30, 40])
}

@Test func missingFileIsAnError() throws {
    let dir = try TempFolder()
    defer { dir.remove() }
    let message = readError { _ = try PNGImage.read(path: dir.file("nope.png")) }
    #expect(message.contains("no such file"))
    #expect(message.contains("nope.png"))
    #expect(readError { _ = try PNGImage.read(path: dir.path) }.contains("not a regular file"))
}

@Test func nonPNGAndEmptyFilesAreErrors() throws {
    let dir = try TempFolder()
    defer { dir.remove() }
    let text = dir.file("notes.png")
    try "hello, this is not a picture".write(toFile: text, atomically: false, encoding: .utf8)
    #expect(readError { _ = try PNGImage.read(path: text) }.contains("not a PNG file"))
    let empty = dir.file("empty.png")
    _ = FileManager.default.createFile(atPath: empty, contents: Data())
    #expect(readError { _ = try PNGImage.read(path: empty) }.contains("empty"))
}

@Test func truncatedAndCorruptFilesAreErrors() throws {
    let img = try PNGImage(width: 40, height: 30, channels: 3, pixels: ramp(40 * 30 * 3))
    let bytes = try img.encoded()
    for cut in [9, 20, 40, bytes.count / 2, bytes.count - 13] {
        let message = readError { _ = try PNGImage.decode(Array(bytes[0..<cut]), source: "cut") }
        #expect(message.contains("damaged or truncated"), "cut at \(cut): \(message)")
    }
    // Flip one byte inside the IDAT data: its CRC no longer matches.
    var corrupt = RawPNG.make(width: 2, height: 2, bitDepth: 8, colorType: 0, rows: [[1, 2], [3, 4]])
    corrupt[corrupt.count - 20] ^= 0x55
    let message = readError { _ = try PNGImage.decode(corrupt) }
    #expect(message.contains("damaged"), "\(message)")
    // A bad IHDR (zero width).
    let zero = RawPNG.make(width: 0, height: 1, bitDepth: 8, colorType: 0, rows: [[]])
    #expect(readError { _ = try PNGImage.decode(zero) }.contains("damaged"))
}

/// Found with the png fuzz harness (docs/fuzzing.md): a 16384x16384 header in a file of a few dozen
/// bytes made the decoder allocate 1 GiB before libpng found the data missing.
@Test func aHeaderPromisingMoreThanTheFileCanHoldIsAnError() throws {
    let huge = RawPNG.make(width: 16384, height: 16384, bitDepth: 8, colorType: 6, rows: [[0, 0, 0, 0, 0]])
    let message = readError { _ = try PNGImage.decode(huge, source: "huge") }
    #expect(message.contains("header promises a 16384x16384 picture, more than its"), "\(message)")
    // Highly compressible pictures are still far below the bound.
    let black = try PNGImage(width: 1500, height: 1000, channels: 4, filledWith: 0)
    #expect(try PNGImage.decode(try black.encoded()) == black)
}

@Test func unwritablePathsAreErrorsAndLeaveNoFile() throws {
    let dir = try TempFolder()
    defer { dir.remove() }
    let img = try PNGImage(width: 2, height: 2, channels: 1, pixels: [0, 1, 2, 3])
    let missing = readError { try img.write(to: dir.file("no/such/folder/x.png")) }
    #expect(missing.contains("does not exist"))
    let blocker = dir.file("file")
    _ = FileManager.default.createFile(atPath: blocker, contents: Data([1]))
    #expect(readError { try img.write(to: blocker + "/x.png") }.contains("not a folder"))
    #expect(readError { try img.write(to: dir.path) }.contains("it is a folder"))
    #expect(readError { try img.write(to: "") }.contains("empty"))
    #expect(dir.contents == ["file"])
}

@Test func fullDiskIsAnErrorAndLeavesNoFile() throws {
    let dir = try TempFolder()
    defer { dir.remove() }
    let full = AtomicWriter(faults: AtomicWriter.Faults(write: (errno: ENOSPC, afterBytes: 1)))
    let message = readError { try AtomicFile.write([1, 2, 3], to: dir.file("x.png"), op: "png", writer: full) }
    #expect(message.hasPrefix("png: cannot write '\(dir.file("x.png"))': the disk is full"))
    #expect(dir.contents.isEmpty)
}

@Test func writeReplacesAnExistingFile() throws {
    let dir = try TempFolder()
    defer { dir.remove() }
    let path = dir.file("x.png")
    try PNGImage(width: 3, height: 1, channels: 1, pixels: [1, 2, 3]).write(to: path)
    let second = try PNGImage(width: 1, height: 2, channels: 3, pixels: [9, 8, 7, 6, 5, 4])
    try second.write(to: path)
    #expect(try PNGImage.read(path: path) == second)
    #expect(dir.contents == ["x.png"])
}

@Test func tensorConversionsRoundTrip() throws {
    let img = try PNGImage(width: 3, height: 2, channels: 3, pixels: ramp(18))
    let t = img.tensor()
    #expect(t.shape == [3, 2, 3])
    #expect(t.data[0] == Float(img.pixels[0]) / 255)
    #expect(t.data[6] == Float(img.pixels[1]) / 255) // channel 1 of pixel 0 starts the second plane
    #expect(try PNGImage(tensor: t) == img)
    let clipped = try PNGImage(tensor: Tensor(shape: [1, 4], data: [-1, 0.5, 2, .nan]))
    #expect(clipped.pixels == [0, 128, 255, 0])
    #expect(readError { _ = try PNGImage(tensor: Tensor(shape: [2, 1, 1, 1], data: [0, 0])) }.contains("[C, H, W]"))
    #expect(readError { _ = try PNGImage(tensor: Tensor(shape: [5, 1, 1], data: [0, 0, 0, 0, 0])) }.contains("channels"))
}

@Test func channelConversions() throws {
    let rgba = try PNGImage(width: 2, height: 1, channels: 4, pixels: [255, 0, 0, 255, 0, 0, 255, 0])
    #expect(rgba.converted(toChannels: 3).pixels == [255, 0, 0, 0, 0, 0])
    #expect(rgba.converted(toChannels: 3, background: 255).pixels == [255, 0, 0, 255, 255, 255])
    #expect(rgba.converted(toChannels: 1).pixels == [76, 0])
    let grey = try PNGImage(width: 1, height: 1, channels: 1, pixels: [77])
    #expect(grey.converted(toChannels: 4).pixels == [77, 77, 77, 255])
    #expect(readError { _ = try PNGImage(width: 2, height: 2, channels: 1, pixels: [0]) }.contains("needs 4 bytes"))
}
