// Reader for image folders: ROOT/CLASS/*.png, or ROOT/train/CLASS/*.png and ROOT/test/CLASS/*.png,
// 8-bit grey or RGB PNGs of one size, decoded with ImageIO (libpng). Constants are measured on
// the train split. It does not resize, convert colour, or accept other image formats.
import Foundation
import ImageIO
import Kernels
import TensorCore

/// Reads a folder of class sub-folders of PNG images into a data set.
public enum ImageFolderReader {
    /// The data set in `folder`; class names are the class folders' names, sorted.
    /// Without `train/` and `test/` sub-folders every image is a train image and the test
    /// split is empty.
    public static func read(_ folder: String) throws -> Dataset {
        let top = try subfolders(of: folder)
        let trainDir: String, testDir: String?
        if top.contains("train") {
            let other = top.filter { $0 != "train" && $0 != "test" }
            guard other.isEmpty else {
                throw DataError("\(folder): has train/ beside other folders (\(other.joined(separator: ", ")))",
                                hint: "use either CLASS/*.png folders, or train/CLASS/*.png and test/CLASS/*.png")
            }
            trainDir = folder + "/train"
            testDir = top.contains("test") ? folder + "/test" : nil
        } else {
            guard !top.isEmpty else {
                throw DataError("\(folder): no class folders, IDX files or CIFAR batches",
                                hint: "an image folder holds CLASS/*.png (or train/CLASS/*.png and test/CLASS/*.png)")
            }
            trainDir = folder
            testDir = nil
        }
        let classNames = try subfolders(of: trainDir)
        guard !classNames.isEmpty else { throw DataError("\(trainDir): no class folders") }
        let trainFiles = try listing(trainDir, classes: classNames, requireAll: true)
        let testFiles = try testDir.map { try listing($0, classes: classNames, requireAll: false) } ?? []

        try checkMemory(first: trainFiles[0].path, count: trainFiles.count + testFiles.count, folder: folder)
        let trainImages = try decode(trainFiles.map(\.path))
        let shape = [trainImages[0].channels, trainImages[0].height, trainImages[0].width]
        let testImages = try decode(testFiles.map(\.path))
        try checkSameGeometry(trainImages + testImages, paths: (trainFiles + testFiles).map(\.path))

        let plain = Normalization(mean: [Float](repeating: 0, count: shape[0]), std: [Float](repeating: 1, count: shape[0]))
        let train01 = try tensor(trainImages, shape: shape, normalization: plain)
        let measured = try Normalization.measured(pixels01: train01)
        let train = try DatasetSplit(images: measured.normalized(train01), labels: trainFiles.map(\.label),
                                     classCount: classNames.count)
        let test = testImages.isEmpty
            ? try DatasetSplit.empty(imageShape: shape, classCount: classNames.count)
            : try DatasetSplit(images: tensor(testImages, shape: shape, normalization: measured),
                               labels: testFiles.map(\.label), classCount: classNames.count)
        let prov = DatasetProvenance(source: folder, root: folder, transform: DatasetProvenance.transformText(measured))
        return try Dataset(name: (folder as NSString).lastPathComponent, classNames: classNames,
                           normalization: measured, train: train, test: test, provenance: prov)
    }

    /// Throws when `count` images the size of the first one would not fit the memory limit as
    /// Float32, before the others are decoded.
    static func checkMemory(first path: String, count: Int, folder: String) throws {
        let image = try decodeOne(path)
        let (bytes, o) = (count * MemoryLayout<Float>.stride).multipliedReportingOverflow(by: image.width * image.height * image.channels)
        do {
            try MemoryLimit.check(bytes: o ? Int.max : bytes,
                                  what: "\(folder): \(count) images of \(image.width)x\(image.height) (\(image.channels == 1 ? "grey" : "\(image.channels) channels")), as Float32,")
        } catch let e as TensorError {
            throw DataError(e.message)
        }
    }

    /// Visible sub-folders of `folder`, sorted by name.
    static func subfolders(of folder: String) throws -> [String] {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: folder) else {
            throw DataError("\(folder): cannot list the folder")
        }
        return entries.filter { name in
            var isDir: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: folder + "/" + name, isDirectory: &isDir) && isDir.boolValue
        }.sorted()
    }

    /// Every PNG under `dir/CLASS/` with its label (class by class, files sorted). Class
    /// folders absent from `classes` are an error; with `requireAll`, so are missing ones.
    /// An empty class folder is always an error.
    static func listing(_ dir: String, classes: [String], requireAll: Bool) throws -> [(path: String, label: Int)] {
        let present = try subfolders(of: dir)
        if let stray = present.first(where: { !classes.contains($0) }) {
            throw DataError("\(dir)/\(stray): class folder not in the train split's classes (\(classes.joined(separator: ", ")))")
        }
        var out = [(path: String, label: Int)]()
        for (label, name) in classes.enumerated() where requireAll || present.contains(name) {
            let classDir = dir + "/" + name
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: classDir)) ?? [])
                .filter { !$0.hasPrefix(".") && $0.lowercased().hasSuffix(".png") }
                .sorted()
            guard !files.isEmpty else {
                throw DataError("\(classDir): empty class folder (no .png files)",
                                hint: "every class folder needs at least one image; remove the folder or add images")
            }
            out += files.map { (classDir + "/" + $0, label) }
        }
        return out
    }

    /// Decodes every file on the thread pool; the first failure in file order is thrown.
    static func decode(_ paths: [String]) throws -> [PNGImage] {
        var results = [Result<PNGImage, DataError>?](repeating: nil, count: paths.count)
        results.withUnsafeMutableBufferPointer { slots in
            ThreadPool.forRanges(paths.count, minChunk: 16) { range in
                for i in range { slots[i] = Result { try decodeOne(paths[i]) }.mapError { $0 as? DataError ?? DataError("\($0)") } }
            }
        }
        return try results.map { try $0!.get() }
    }

    /// One PNG as 8-bit grey or RGB: other bit depths and transparent pixels are errors, an
    /// opaque alpha channel is dropped.
    static func decodeOne(_ path: String) throws -> PNGImage {
        let bytes = try FileBytes.readRaw(path)
        // IHDR follows the 8-byte signature and the chunk's length and type: width, height,
        // then bit depth (byte 24) and colour type (byte 25).
        if bytes.count >= 26 && bytes[12..<16].elementsEqual("IHDR".utf8) {
            let (depth, colour) = (bytes[24], bytes[25])
            if colour != 3 && depth != 8 {
                throw DataError("\(path): \(depth)-bit PNG is not supported (8-bit grey or RGB expected)",
                                hint: "convert the image to 8 bits per channel")
            }
        }
        let image: PNGImage
        do {
            image = try PNGImage.decode(bytes, source: "'\(path)'")
        } catch {
            throw DataError("\(path): \(error)")
        }
        guard image.hasAlpha else { return image }
        let c = image.channels
        if let i = stride(from: c - 1, to: image.pixels.count, by: c).first(where: { image.pixels[$0] != 255 }) {
            let pixel = i / c
            throw DataError("\(path): pixel (\(pixel % image.width), \(pixel / image.width)) is transparent; only opaque grey or RGB images are supported")
        }
        return image.converted(toChannels: c - 1)
    }

    /// All images must share the first one's size and channel count.
    static func checkSameGeometry(_ images: [PNGImage], paths: [String]) throws {
        guard let first = images.first else { return }
        func text(_ im: PNGImage) -> String { "\(im.width)x\(im.height) \(im.channels == 1 ? "grey" : "RGB")" }
        for (im, path) in zip(images, paths) where im.width != first.width || im.height != first.height || im.channels != first.channels {
            throw DataError("\(path): image is \(text(im)) but \(paths[0]) is \(text(first)); all images must have one size and colour type",
                            hint: "resize or convert the images so they all match")
        }
    }

    /// Images [N, C, H, W] normalised with `normalization`, converting interleaved pixels to planes.
    static func tensor(_ images: [PNGImage], shape: [Int], normalization: Normalization) throws -> Tensor {
        let (c, plane) = (shape[0], shape[1] * shape[2])
        var planar = [UInt8](repeating: 0, count: images.count * c * plane)
        for (i, im) in images.enumerated() {
            for p in 0..<plane {
                for ch in 0..<c { planar[(i * c + ch) * plane + p] = im.pixels[p * c + ch] }
            }
        }
        let data = planar.withUnsafeBufferPointer { normalization.convert(bytes: $0, count: images.count, plane: plane) { $0 * c * plane } }
        return Tensor(unchecked: [images.count] + shape, data: data)
    }
}
