// Golden pictures: a labelled grid and a small plot must render to exactly the checked-in PNGs
// in Golden/. Run with DISTILL_RECORD=1 to re-record them after an intended change, then look.
import Foundation
import Testing
import TensorCore
@testable import ImageIO

private let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Golden").path

/// Compares `picture` with `Golden/name`, or records it when DISTILL_RECORD=1.
private func checkGolden(_ picture: PNGImage, _ name: String) throws {
    let path = goldenFolder + "/" + name
    if ProcessInfo.processInfo.environment["DISTILL_RECORD"] == "1" {
        try FileManager.default.createDirectory(atPath: goldenFolder, withIntermediateDirectories: true)
        try picture.write(to: path)
        return
    }
    let golden = try PNGImage.read(path: path)
    #expect(golden.width == picture.width && golden.height == picture.height && golden.channels == picture.channels,
            "\(name): golden is \(golden.width)x\(golden.height)x\(golden.channels), rendered \(picture.width)x\(picture.height)x\(picture.channels)")
    // Count the differences rather than printing both pixel arrays.
    let differing = zip(golden.pixels, picture.pixels).filter { $0 != $1 }.count
        + abs(golden.pixels.count - picture.pixels.count)
    #expect(differing == 0, "\(name): \(differing) bytes differ from the golden (DISTILL_RECORD=1 re-records)")
}

@Test func labelledGridMatchesGolden() throws {
    // Two classes of three 6x6 RGB images: stripes whose phase and colour depend on the index.
    var data: [Float] = []
    for i in 0..<6 { for c in 0..<3 { for y in 0..<6 { for x in 0..<6 {
        let on = (x + y + i) % 3 == 0
        data.append(((on ? 0.9 : 0.1) * (c == i % 3 ? 1 : 0.6) - 0.5) / 0.25)
    } } } }
    let images = Tensor(unchecked: [6, 3, 6, 6], data: data)
    let grid = ImageGrid(nrow: 3, scale: 3, pad: 2, normalize: .meanStd(mean: [0.5], std: [0.25]),
                         labels: ["cat", "dog"])
    try checkGolden(grid.render(images), "grid_labels.png")
}

@Test func smallPlotMatchesGolden() throws {
    let a = PlotSeries((0..<40).map { 2 * Foundation.exp(-Double($0) / 10) + 0.2 }, label: "train")
    let b = PlotSeries([2.1, 1.2, .nan, 0.6, 0.5], x: [0, 10, 20, 30, 39], label: "test")
    let plot = LinePlot([a, b], title: "Loss", xLabel: "epoch", yLabel: "loss", width: 320, height: 200)
    try checkGolden(plot.render(), "plot_small.png")
}
