// The image builtins in a temporary folder: grid and image round trips (exact bytes), options,
// GridSource objects, plot, picture names and notebook links, and their error messages.
import Bindings
import Foundation
import ImageIO
import Notebook
import Script
import TensorCore
import Testing

@Test func gridWritesExactPixelsThatImageReadsBack() throws {
    let folder = try temporaryFolder()
    let s = Snippet()
    // Four 2x2 grey images whose pixel k of image i is (16 i + k) / 255.
    let text = s.run("""
    x = (arange(16) / 255).reshape([4, 1, 2, 2])
    grid(x, "\(folder)/g.png", nrow=2, pad=0, scale=1)
    back = image("\(folder)/g.png")
    """)
    #expect(text == "wrote \(folder)/g.png (2 x 2 images, 4x4 px)\n")
    let back = try #require(s.tensor("back"))
    #expect(back.shape == [1, 4, 4])
    let bytes = back.data.map { Int(($0 * 255).rounded()) }
    #expect(bytes == [0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15])
    let artifacts = s.session.takeArtifacts()
    #expect(artifacts.map(\.path) == ["\(folder)/g.png"] && artifacts.map(\.caption) == ["g"])
}

@Test func gridOptionsScalePadLabelsAndNormalize() throws {
    let folder = try temporaryFolder()
    let s = Snippet()
    // De-normalisation round trip: stored (v - 0.5) / 0.25 comes back as v.
    s.run("""
    v = (arange(8) * 30 / 255).reshape([2, 1, 2, 2])
    grid((v - 0.5) / 0.25, "\(folder)/n.png", normalize=[0.5, 0.25], pad=0, scale=1, nrow=2)
    back = image("\(folder)/n.png")
    """)
    let back = try #require(s.tensor("back"))
    #expect(back.data.map { Int(($0 * 255).rounded()) } == [0, 30, 120, 150, 60, 90, 180, 210])
    // "each" stretches every image to [0, 1]; RGB stays RGB; channels=1 makes grey.
    s.run("""
    grid(tensor([[[[2, 4]]], [[[-1, 9]]]]), "\(folder)/e.png", normalize="each", pad=0, scale=1, nrow=1)
    e = image("\(folder)/e.png")
    grid(rand([3, 3, 4, 4], seed=1), "\(folder)/rgb.png", scale=3, pad=1, labels=["one", "two"], nrow=2)
    rgb = image("\(folder)/rgb.png")
    grey = image("\(folder)/rgb.png", channels=1)
    """)
    #expect(try #require(s.tensor("e")).data == [0, 1, 0, 1])
    let rgb = try #require(s.tensor("rgb"))
    #expect(rgb.shape[0] == 3 && rgb.shape[1] == 2 * 12 + 1)
    #expect(rgb.shape[2] > 2 * 12 + 1, "a label column is added on the left")
    #expect(try #require(s.tensor("grey")).shape == [1] + rgb.shape.dropFirst())
    // Default scale makes cells of about 64 px; a single [C, H, W] image is a batch of one.
    #expect(s.run("grid(zeros([1, 28, 28]), \"\(folder)/one.png\")") == "wrote \(folder)/one.png (1 x 1 images, 56x56 px)\n")
    #expect(s.run("grid(zeros([4, 1, 8, 8]), \"\(folder)/four.png\")") == "wrote \(folder)/four.png (2 x 2 images, 130x130 px)\n")
}

@Test func gridAndPlotArgumentErrors() throws {
    let folder = try temporaryFolder()
    let file = folder + "/plain.txt"
    try Data("x".utf8).write(to: URL(fileURLWithPath: file))
    let x = "x = zeros([4, 1, 2, 2])\n"
    #expect(failure(x + "grid(x, \"\(folder)/a.jpg\")") == "bad argument #2 to 'grid' (path must end in .png, got \"\(folder)/a.jpg\")")
    #expect(failure(x + "grid(x, \"\")") == "bad argument #2 to 'grid' (path is empty)")
    #expect(failure(x + "grid(x, \"\(file)/a.png\")") == "grid: cannot write '\(file)/a.png': '\(file)' is not a folder")
    #expect(failure(x + "grid(x, \"\(folder)\" + \"/d.png\", nrow=0)") == "bad argument 'nrow' to 'grid' (nrow must be 1 or more images per row, got 0)")
    #expect(failure(x + "grid(x, \"\(folder)/d.png\", scale=0)") == "bad argument 'scale' to 'grid' (scale must be 1 to 64, got 0)")
    #expect(failure(x + "grid(x, \"\(folder)/d.png\", pad=-1)") == "bad argument 'pad' to 'grid' (pad must be 0 or more, got -1)")
    #expect(failure(x + "grid(x, \"\(folder)/d.png\", normalize=\"z\")") == "bad argument 'normalize' to 'grid' (normalize must be \"none\", \"each\" or [mean, std], got \"z\")")
    #expect(failure(x + "grid(x, \"\(folder)/d.png\", normalize=[1, 2, 3])") == "bad argument 'normalize' to 'grid' (\"none\", \"each\" or [mean, std] expected, got list)")
    #expect(failure(x + "grid(x, \"\(folder)/d.png\", labels=true)") == "bad argument 'labels' to 'grid' (labels=true needs class names, which a tensor does not have; pass a list of strings, one per row)")
    #expect(failure(x + "grid(x, \"\(folder)/d.png\", labels=[\"a\"])") == "grid: labels has 1 entries but the grid has 2 rows")
    #expect(failure(x + "grid(x, \"\(folder)/d.png\", n=2)") == "n= (images per class) applies to data sets, not to a tensor")
    #expect(failure("grid(zeros([1, 2, 3, 3]), \"\(folder)/d.png\")") == "grid: images must have 1 (grey) or 3 (RGB) channels, got C = 2 in [1, 2, 3, 3]")
    #expect(failure("grid(zeros([2]), \"\(folder)/d.png\")") == "grid: a tensor of images must be [N, C, H, W] (or one image [C, H, W] or [H, W]), got shape [2]")
    #expect(failure("grid(zeros([0, 1, 2, 2]), \"\(folder)/d.png\")") == "bad argument #1 to 'grid' (images [N, C, H, W] expected, got shape [0, 1, 2, 2])")
    #expect(failure("grid([1, 2], \"\(folder)/d.png\")") == "bad argument #1 to 'grid' (tensor of images [N, C, H, W] expected, got list)")
    #expect(failure("grid(3, \"\(folder)/d.png\")") == "bad argument #1 to 'grid' (tensor of images, synthetic set or data set split expected, got number)")
    #expect(failure("image(\"\(folder)/missing.png\")") == "png: no such file '\(folder)/missing.png' (HINT: check the path and the current folder)")
    #expect(failure("image(\"\(file)\")") == "png: cannot read '\(file)': not a PNG file (its first bytes are not the PNG signature)")
    #expect(failure("image(\"\(file)\", channels=5)").hasPrefix("png: cannot read"), "the file is read before channels is checked")
    #expect(!FileManager.default.fileExists(atPath: folder + "/d.png"), "no picture is written when an argument is wrong")

    let p = "p = \"\(folder)/p.png\"\n"
    #expect(failure(p + "plot([1, \"a\"], p)") == "bad argument #1 to 'plot' (numbers expected, item 2 is string)")
    #expect(failure(p + "plot([[1, 2], 3], p)") == "bad argument #1 to 'plot' (line 2 must be a list of numbers or a 1-D tensor, got number)")
    #expect(failure(p + "plot(\"a\", p)") == "bad argument #1 to 'plot' (list of numbers, 1-D tensor, or list of such expected, got string)")
    #expect(failure(p + "plot(none, p)") == "bad argument #1 to 'plot' (nothing to plot: y is none and no series= was given)")
    #expect(failure(p + "plot([1, 2], p, labels=[\"a\", \"b\"])") == "bad argument 'labels' to 'plot' (2 labels for 1 line)")
    #expect(failure(p + "plot([1, 2], p, series=[1, 2])") == "bad argument 'series' to 'plot' (line 1 must be a list of numbers or a 1-D tensor, got number)")
    #expect(failure(p + "plot([1, 2], p, x=[1, 2, 3])") == "plot: series 1 has 2 y values but x has 3 values")
    #expect(failure(p + "plot([1, 2], p, x=[[1], [2]])") == "bad argument 'x' to 'plot' (x must be one list shared by every line or one list per line: 2 lists for 1 line)")
    #expect(failure(p + "plot([[1, 2], [3]], p, x=[[1, 2], [2, 3]])") == "plot: series 2 has 1 y values but x has 2 values")
    #expect(run(p + "plot([[1, 2, 3], [3, 4]], p, x=[[0, 1, 2], [0, 2]])") == "wrote \(folder)/p.png (2 series, 800x500 px)\n")
    #expect(failure(p + "plot([1, 2], p, width=10)") == "plot: width must be 160 to 8000 pixels, got 10")
    #expect(failure(p + "plot([1, 2], p, title=3)") == "bad argument 'title' to 'plot' (string expected, got number)")
    #expect(failure(p + "plot([], p)") == "plot: series 1 is empty")
}

@Test func plotWritesSeveralSeriesFromListsAndTensors() throws {
    let folder = try temporaryFolder()
    let s = Snippet()
    let text = s.run("""
    loss = exp(-arange(0, 3, 0.1))
    plot(loss, "\(folder)/a.png", title="loss", xlabel="iteration", ylabel="loss")
    plot([loss, loss * 2], "\(folder)/b.png", labels=["dm", "dc"], logy=true, width=400, height=300)
    plot(stack([loss, loss + 1, loss + 2]), "\(folder)/c.png", x=arange(30) * 10)
    plot(none, "\(folder)/d.png", series=[[1, 2, 3], tensor([3, 2, 1])], labels=["up", "down"])
    plot([1, 2], "\(folder)/e.png", series=[[2, 1]])
    b = image("\(folder)/b.png")
    """)
    #expect(text == """
    wrote \(folder)/a.png (1 series, 800x500 px)
    wrote \(folder)/b.png (2 series, 400x300 px)
    wrote \(folder)/c.png (3 series, 800x500 px)
    wrote \(folder)/d.png (2 series, 800x500 px)
    wrote \(folder)/e.png (2 series, 800x500 px)

    """)
    #expect(try #require(s.tensor("b")).shape == [3, 300, 400])
    #expect(s.session.takeArtifacts().map(\.caption) == ["a", "b", "c", "d", "e"])
    // The same call draws the same bytes.
    s.run("plot([loss, loss * 2], \"\(folder)/b2.png\", labels=[\"dm\", \"dc\"], logy=true, width=400, height=300)")
    #expect(FileManager.default.contents(atPath: folder + "/b.png") == FileManager.default.contents(atPath: folder + "/b2.png"))
}

@Test func picturesWithoutAPathGoToTheSessionFolderWithNumberedNames() throws {
    let folder = try temporaryFolder() + "/nb.files"
    let s = Snippet(folder: folder)
    let text = s.run("grid(zeros([1, 1, 4, 4]))\ngrid(ones([1, 1, 4, 4]))\nplot([1, 2, 3])")
    // Named as the notebook's links name them: relative to the notebook's folder.
    #expect(text == "wrote nb.files/grid_1.png (1 x 1 images, 32x32 px)\nwrote nb.files/grid_2.png (1 x 1 images, 32x32 px)\nwrote nb.files/plot_1.png (1 series, 800x500 px)\n")
    for name in ["grid_1.png", "grid_2.png", "plot_1.png"] {
        #expect(FileManager.default.fileExists(atPath: folder + "/" + name))
    }
    // Missing folders in a given path are created too.
    #expect(s.run("grid(zeros([1, 1, 4, 4]), \"\(folder)/deep/er/x.png\")") == "wrote nb.files/deep/er/x.png (1 x 1 images, 32x32 px)\n")
    #expect(FileManager.default.fileExists(atPath: folder + "/deep/er/x.png"))
}

@Test func notebookCellsLinkThePicturesTheyWrite() throws {
    let folder = try temporaryFolder()
    let path = folder + "/pics.md"
    try "# Pictures\n\n```dd\ngrid(rand([4, 1, 8, 8], seed=1), labels=[\"a\", \"b\"], nrow=2)\n```\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(NotebookRunner(session: Session.standard(), log: OutputBuffer()).runFile(path, check: false, outPath: nil) == 0)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains("```text\nwrote pics.files/grid_1.png (2 x 2 images, "))
    #expect(text.contains("![grid_1](pics.files/grid_1.png)"))
    #expect(NotebookRunner(session: Session.standard(), log: OutputBuffer()).runFile(path, check: true, outPath: nil) == 0)
}

/// A class-ordered set the way the data and distill libraries will offer one to `grid`.
final class FakeSet: GridSource {
    var typeName: String { "synthetic set" }
    var summary: String { "fake set" }
    /// 2 classes x 3 images of 2x2, normalised with mean 0.5 and std 0.5.
    let images = Tensor(unchecked: [6, 1, 2, 2], data: (0..<24).map { Float($0) / 12 - 1 })
    func gridImages() throws -> GridImages {
        (images, .meanStd(mean: [0.5], std: [0.5]), ["zero", "one"], 3)
    }
    func gridImages(perClass n: Int) throws -> GridImages {
        let keep = (0..<2).flatMap { c in (0..<min(n, 3)).map { c * 3 + $0 } }
        return (try images.indexSelect(keep), .meanStd(mean: [0.5], std: [0.5]), ["zero", "one"], min(n, 3))
    }
}

@Test func gridSourcesBringTheirLayoutNormalisationAndLabels() throws {
    let folder = try temporaryFolder()
    let s = Snippet()
    s.session.globals.set("syn", .host(FakeSet()))
    #expect(s.run("grid(syn, \"\(folder)/s.png\", pad=0, scale=1)") == "wrote \(folder)/s.png (2 x 3 images, 6x4 px)\n")
    s.run("back = image(\"\(folder)/s.png\")")
    let back = try #require(s.tensor("back"))
    // Stored v / 12 - 1 de-normalises to (v / 12 - 1) * 0.5 + 0.5 = v / 24.
    #expect(back.data[0] == Float((0.0 / 24 * 255).rounded()) / 255)
    #expect(abs(back.data[2] - Float((4.0 / 24 * 255).rounded()) / 255) < 1e-6, "image 1 starts at column 2 of row 0")
    #expect(abs(back.data[6 + 5] - Float((11.0 / 24 * 255).rounded()) / 255) < 1e-6, "the last pixel of image 2 ends row 1")
    #expect(s.run("grid(syn, \"\(folder)/l.png\", labels=true)").hasPrefix("wrote \(folder)/l.png (2 x 3 images, "))
    #expect(s.run("grid(syn, \"\(folder)/n.png\", n=1, pad=0, scale=1)") == "wrote \(folder)/n.png (2 x 1 images, 2x4 px)\n")
    #expect(s.run("grid(syn, \"\(folder)/r.png\", normalize=\"none\", nrow=6, pad=0, scale=1)") == "wrote \(folder)/r.png (1 x 6 images, 12x2 px)\n")
    #expect(failure("grid(ones([1, 1, 2, 2]), \"\(folder)/x.png\", n=0)") == "bad argument 'n' to 'grid' (n must be 1 or more images per class, got 0)")
}
