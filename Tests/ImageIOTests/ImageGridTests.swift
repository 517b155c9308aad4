// Tests for ImageGrid: layout geometry, value mapping (mean/std, each, clipping), upscaling,
// padding, row labels, the write result, and argument errors.
import Testing
import TensorCore
import TestSupport
@testable import ImageIO

private func gridError(_ body: () throws -> Void) -> String {
    do { try body(); return "no error" } catch { return "\(error)" }
}

/// Images whose value at (n, c, y, x) is easy to predict.
private func indexed(_ n: Int, _ c: Int, _ h: Int, _ w: Int, _ f: (Int, Int, Int, Int) -> Float) -> Tensor {
    var data: [Float] = []
    for i in 0..<n { for ch in 0..<c { for y in 0..<h { for x in 0..<w { data.append(f(i, ch, y, x)) } } } }
    return Tensor(unchecked: [n, c, h, w], data: data)
}

@Test(arguments: [
    // n, nrow, scale, pad, rows, cols, width, height  (H = 3, W = 5)
    (7, 3, 2, 1, 3, 3, 3 * 10 + 2, 3 * 6 + 2),
    (10, nil, 1, 2, 3, 4, 4 * 5 + 3 * 2, 3 * 3 + 2 * 2),
    (2, 8, 3, 0, 1, 2, 2 * 15, 9),
    (1, 1, 1, 5, 1, 1, 5, 3),
] as [(Int, Int?, Int, Int, Int, Int, Int, Int)])
func gridGeometry(_ n: Int, _ nrow: Int?, _ scale: Int, _ pad: Int, _ rows: Int, _ cols: Int,
                  _ width: Int, _ height: Int) throws {
    let grid = ImageGrid(nrow: nrow, scale: scale, pad: pad)
    let img = try grid.render(testTensor([n, 1, 3, 5], seed: 1))
    #expect(img.width == width && img.height == height)
    #expect(img.channels == 1)
    #expect(try grid.layout(count: n) == (rows, cols))
}

@Test func meanStdDenormalisesAndClips() throws {
    // Channel c of image i holds i - 0.5 + 0.25 * c everywhere; mean/std per channel.
    let x = indexed(2, 3, 2, 2) { i, c, _, _ in Float(i) - 0.5 + 0.25 * Float(c) }
    let grid = ImageGrid(nrow: 2, pad: 1, normalize: .meanStd(mean: [0.5, 0.4, 0.2], std: [0.2, 0.2, 1.5]))
    let img = try grid.render(x)
    #expect(img.channels == 3 && img.width == 5 && img.height == 2)
    // Image 0: values -0.5, -0.25, 0 -> 0.4, 0.35, 0.2 -> bytes 102, 89, 51.
    #expect([img[x: 1, y: 1, c: 0], img[x: 1, y: 1, c: 1], img[x: 1, y: 1, c: 2]] == [102, 89, 51])
    // Image 1: values 0.5, 0.75, 1 -> 0.6, 0.55, 1.7 (clipped to 1) -> 153, 140, 255.
    #expect([img[x: 3, y: 0, c: 0], img[x: 3, y: 0, c: 1], img[x: 3, y: 0, c: 2]] == [153, 140, 255])
    // The padding column is white.
    #expect([img[x: 2, y: 0, c: 0], img[x: 2, y: 1, c: 2]] == [255, 255])
    // One mean/std value applies to every channel; values below 0 clip to black.
    let one = try ImageGrid(normalize: .meanStd(mean: [0.5], std: [0.5])).render(
        indexed(1, 3, 1, 1) { _, c, _, _ in [-3, 0, 0.5][c] })
    #expect(one.pixels == [0, 128, 191])
}

@Test func denormalisationInvertsNormalisation() throws {
    let mean: [Float] = [0.4914, 0.4822, 0.4465], std: [Float] = [0.2023, 0.1994, 0.2010]
    let bytes = indexed(1, 3, 4, 4) { _, c, y, x in Float((y * 4 + x) * 16 + c * 5) }
    let normalised = indexed(1, 3, 4, 4) { _, c, y, x in
        (bytes.data[(c * 4 + y) * 4 + x] / 255 - mean[c]) / std[c] }
    let img = try ImageGrid(normalize: .meanStd(mean: mean, std: std)).render(normalised)
    #expect(img.tensor().data.map { ($0 * 255).rounded() } == bytes.data)
}

@Test func eachImageIsRescaledToItsOwnRange() throws {
    let x = indexed(3, 1, 1, 3) { i, _, _, px in
        switch i {
        case 0: return [-2, 0, 2][px]
        case 1: return 7                     // constant: mid grey
        default: return [10, .nan, 20][px]   // NaN ignored for the range, drawn black
        }
    }
    let img = try ImageGrid(nrow: 1, pad: 0, normalize: .each).render(x)
    #expect(img.pixels == [0, 128, 255, 128, 128, 128, 0, 0, 255])
}

@Test func upscalingRepeatsEachPixel() throws {
    let x = indexed(1, 1, 2, 2) { _, _, y, x in Float(y * 2 + x) / 3 }
    let img = try ImageGrid(scale: 3).render(x)
    #expect(img.width == 6 && img.height == 6)
    for y in 0..<6 {
        for x in 0..<6 {
            #expect(img[x: x, y: y, c: 0] == PNGImage.unitByte(Float((y / 3) * 2 + x / 3) / 3))
        }
    }
}

@Test func padValueFillsTheGaps() throws {
    let img = try ImageGrid(nrow: 2, pad: 2, padValue: 0.2).render(try Tensor.ones([4, 1, 2, 2]))
    #expect(img.width == 6 && img.height == 6)
    #expect(img[x: 2, y: 0, c: 0] == 51 && img[x: 3, y: 5, c: 0] == 51 && img[x: 0, y: 3, c: 0] == 51)
    #expect(img[x: 0, y: 0, c: 0] == 255 && img[x: 5, y: 5, c: 0] == 255)
}

@Test func labelsAreDrawnLeftOfTheRows() throws {
    let x = try Tensor.full([4, 1, 8, 8], 0.5)
    let plain = try ImageGrid(nrow: 2, pad: 1).render(x)
    let labelled = try ImageGrid(nrow: 2, pad: 1, labels: ["cat", "dog"]).render(x)
    let other = try ImageGrid(nrow: 2, pad: 1, labels: ["cat", "cow"]).render(x)
    let labelWidth = labelled.width - plain.width
    #expect(labelWidth > BitmapFont.width(of: "cat", scale: 1))
    #expect(labelled.height == plain.height)
    // Ink in the label area of each row, and the cells are shifted right unchanged.
    for row in 0..<2 {
        let ys = (row * 9)..<(row * 9 + 8)
        let ink = ys.flatMap { y in (0..<labelWidth).map { labelled[x: $0, y: y, c: 0] } }.filter { $0 == 0 }
        #expect(ink.count > 10, "row \(row)")
    }
    #expect(labelled[x: labelWidth + 3, y: 3, c: 0] == 128)
    #expect(labelled.pixels != other.pixels)
    // Dark padding gets white text.
    let dark = try ImageGrid(nrow: 2, pad: 1, padValue: 0, labels: ["a", "b"]).render(x)
    #expect(dark.pixels.contains(255))
}

@Test func writeReportsWhatItWrote() throws {
    let dir = try TempFolder()
    defer { dir.remove() }
    let path = dir.file("grid.png")
    let x = testTensor([10, 3, 4, 4], seed: 2)
    let grid = ImageGrid(nrow: 5, scale: 2, pad: 1, normalize: .each)
    let result = try grid.write(x, to: path)
    #expect(result.rows == 2 && result.columns == 5 && result.count == 10)
    #expect(result.width == 5 * 8 + 4 && result.height == 2 * 8 + 1)
    #expect(result.description == "wrote \(path) (2 x 5 images, 44x17 px)")
    #expect(try PNGImage.read(path: path) == grid.render(x))
    let message = gridError { try grid.write(x, to: dir.file("missing/grid.png")) }
    #expect(message.hasPrefix("grid: cannot write") && message.contains("does not exist"))
}

@Test func badArgumentsAreErrorsNamingTheArgument() throws {
    let ok = try Tensor.zeros([2, 1, 2, 2])
    #expect(gridError { _ = try ImageGrid().render(try Tensor.zeros([1, 2, 2])) }.contains("[N, C, H, W]"))
    #expect(gridError { _ = try ImageGrid().render(try Tensor.zeros([1, 2, 2, 2])) }.contains("C = 2"))
    #expect(gridError { _ = try ImageGrid().render(try Tensor.zeros([0, 1, 2, 2])) }.contains("empty"))
    #expect(gridError { _ = try ImageGrid(nrow: 0).render(ok) }.contains("nrow"))
    #expect(gridError { _ = try ImageGrid(scale: 0).render(ok) }.contains("scale"))
    #expect(gridError { _ = try ImageGrid(pad: -1).render(ok) }.contains("pad"))
    #expect(gridError { _ = try ImageGrid(labels: ["a", "b", "c"]).render(ok) }.contains("labels"))
    #expect(gridError { _ = try ImageGrid(normalize: .meanStd(mean: [0, 0], std: [1])).render(ok) }.contains("mean"))
    #expect(gridError { _ = try ImageGrid(normalize: .meanStd(mean: [0], std: [1, 1])).render(ok) }.contains("std"))
    #expect(gridError { _ = try ImageGrid(scale: 1 << 20).render(ok) }.contains("too large"))
}
