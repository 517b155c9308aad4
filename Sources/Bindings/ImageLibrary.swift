// The image namespace: `grid` (image grids of any GridSource), `plot` (line plots, in
// ImageLibrary+Plot) and `image` (reading a PNG). Argument checks and file placement only;
// the drawing is ImageIO's. Written pictures are printed and recorded for notebooks.
import Foundation
import ImageIO
import Script
import TensorCore

/// Builtins that write pictures and read them back.
public enum ImageLibrary {
    /// The `image` namespace table.
    public static var namespace: BuiltinNamespace {
        BuiltinNamespace(name: "image", summary: "image grids, line plots and reading PNG files",
                         builtins: [grid, plot, image])
    }

    static var grid: Builtin {
        Builtin("grid", parameters: [.required("x"), .optional("path"), .named("nrow"), .named("scale"), .named("pad", default: .number(2)),
                                     .named("normalize"), .named("labels", default: .bool(false)), .named("n").alias("ipc")],
                help: "Writes images as one PNG grid and prints what it wrote. `x` is a tensor [N, C, H, W] (C = 1 grey or 3 RGB; one image [C, H, W] also works), or a synthetic set or data set split. `nrow` is images per row (default: a set's images per class, or a square); `scale` enlarges each pixel (default: cells of about 64 px); `pad` is the white gap in pixels. `normalize`: \"none\" (values are intensities in [0, 1], clipped), \"each\" (each image stretched to its own min/max), or [mean, std] (numbers or per-channel lists) to undo a normalisation; sets de-normalise with their own mean/std by default. `labels=true` writes a set's class names left of the rows; a list of strings gives one label per row. `n` takes that many images per class from a data set split. Without `path`, the picture goes to the notebook's picture folder (or the current folder) as grid_1.png, grid_2.png, ...",
                example: "x = rand([16, 3, 8, 8], seed=1)\ngrid(x, \"out/noise.png\", nrow=4, scale=8)   # wrote out/noise.png (4 x 4 images, 262x262 px)") { args, context in
            try drawGrid(args, context)
        }
    }

    static var image: Builtin {
        Builtin("image", parameters: [.required("path"), .named("channels")],
                help: "Reads a PNG file as a tensor [C, H, W] with values in [0, 1] (byte / 255). C is the file's channel count (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA) unless `channels` asks for another: 1 makes grey, 3 RGB (dropping alpha over black).",
                example: "img = image(\"out/noise.png\", channels=3)\nimg.shape                 # [3, 262, 262]") { args, _ in
            let path = try args.string(0)
            guard !path.isEmpty else { throw args.error(0, "path is empty") }
            var picture = try PNGImage.read(path: path)
            if let channels = try args.optionalInteger("channels") {
                guard (1...4).contains(channels) else {
                    throw args.error(args.index("channels"), "channels must be 1, 2, 3 or 4, got \(channels)")
                }
                picture = picture.converted(toChannels: channels)
            }
            return tensorValue(picture.tensor())
        }
    }

    static func drawGrid(_ args: Arguments, _ context: CallContext) throws -> Value {
        guard case .host(let object) = args.value(0), let source = object as? GridSource else {
            if case .list = args.value(0) { throw args.typeError(0, expected: "tensor of images [N, C, H, W]", got: args.value(0)) }
            throw args.typeError(0, expected: "tensor of images, synthetic set or data set split")
        }
        let perClass = try args.optionalInteger("n")
        if let perClass, perClass < 1 { throw args.error(args.index("n"), "n must be 1 or more images per class, got \(perClass)") }
        let (images, sourceNormalize, rowLabels, perRow) = try perClass.map { try source.gridImages(perClass: $0) } ?? source.gridImages()
        guard images.rank == 4, images.shape.allSatisfy({ $0 > 0 }) else {
            throw args.error(0, "images [N, C, H, W] expected, got shape \(images.shape.shapeText)")
        }
        try checkFinite(images, args, 0, what: "the images")

        var grid = ImageGrid(nrow: try args.optionalInteger("nrow") ?? perRow, pad: try args.integer("pad", atLeast: 0))
        if let nrow = grid.nrow, nrow < 1 { throw args.error(args.index("nrow"), "nrow must be 1 or more images per row, got \(nrow)") }
        let side = max(images.shape[2], images.shape[3])
        grid.scale = try args.optionalInteger("scale") ?? max(1, min(8, 64 / side))
        guard (1...64).contains(grid.scale) else { throw args.error(args.index("scale"), "scale must be 1 to 64, got \(grid.scale)") }
        grid.normalize = try normalizeOption(args, default: sourceNormalize)
        grid.labels = try labelsOption(args, rowLabels: rowLabels, typeName: object.typeName)

        let path = try picturePath(args, 1, kind: "grid", context)
        let result = try grid.write(images, to: path)
        return report(result, context)
    }

    /// `normalize=`: none (the source's choice), "none", "each", or [mean, std].
    static func normalizeOption(_ args: Arguments, default fallback: ImageGrid.Normalize) throws -> ImageGrid.Normalize {
        let i = args.index("normalize")
        switch args.value(i) {
        case .none: return fallback
        case .string("none"): return .none
        case .string("each"): return .each
        case .string(let s): throw args.error(i, "normalize must be \"none\", \"each\" or [mean, std], got \"\(s)\"")
        case .list(let items) where items.count == 2:
            func channels(_ v: Value, _ what: String) throws -> [Float] {
                let values: [Value]
                if case .list(let list) = v { values = list } else { values = [v] }
                return try values.map {
                    guard case .number(let x) = $0, x.isFinite else {
                        throw args.error(i, "normalize=[mean, std] needs numbers or lists of numbers, \(what) has \($0.description)")
                    }
                    return Float(x)
                }
            }
            let mean = try channels(items[0], "mean"), std = try channels(items[1], "std")
            guard !mean.isEmpty, !std.isEmpty else { throw args.error(i, "normalize=[mean, std] needs at least one value in each") }
            return .meanStd(mean: mean, std: std)
        default:
            throw args.typeError(i, expected: "\"none\", \"each\" or [mean, std]")
        }
    }

    /// `labels=`: false (none), true (the source's row labels), or a list of strings.
    static func labelsOption(_ args: Arguments, rowLabels: [String]?, typeName: String) throws -> [String]? {
        let i = args.index("labels")
        switch args.value(i) {
        case .bool(false), .none: return nil
        case .bool(true):
            guard let rowLabels else {
                throw args.error(i, "labels=true needs class names, which a \(typeName) does not have; pass a list of strings, one per row")
            }
            return rowLabels
        case .list(let items):
            return try items.map {
                guard case .string(let s) = $0 else { throw args.error(i, "labels must be strings, got \(Arguments.describe($0))") }
                return s
            }
        default:
            throw args.typeError(i, expected: "bool or list of strings")
        }
    }

    /// Where a picture goes: parameter `i` when given (a path ending in .png, whose missing
    /// folders are created), else `KIND_N.png` in the session's picture folder.
    static func picturePath(_ args: Arguments, _ i: Int, kind: String, _ context: CallContext) throws -> String {
        let path: String
        if let given = try args.optionalString(i) {
            guard !given.isEmpty else { throw args.error(i, "path is empty") }
            guard given.lowercased().hasSuffix(".png") else {
                throw args.error(i, "path must end in .png, got \(Value.quote(given))")
            }
            path = given
        } else {
            let counter = context.session.attachment(PictureCounter.self) ?? PictureCounter()
            context.session.setAttachment(counter, for: PictureCounter.self)
            counter.counts[kind, default: 0] += 1
            let folder = context.session.artifactDirectory ?? "."
            path = (folder.isEmpty ? "." : folder) + "/\(kind)_\(counter.counts[kind, default: 0]).png"
        }
        makeParentFolder(of: path)
        return path
    }

    /// Prints the result line, records the picture for notebooks, returns none.
    static func report(_ result: some WrittenPicture, _ context: CallContext) -> Value {
        var line = result.description
        // Pictures in a notebook's folder are named as its links name them, wherever it ran from.
        if let folder = context.session.artifactDirectory, !folder.isEmpty, result.path.hasPrefix(folder + "/") {
            let shown = (folder as NSString).lastPathComponent + "/" + result.path.dropFirst(folder.count + 1)
            line = line.replacingOccurrences(of: "wrote \(result.path)", with: "wrote \(shown)")
        }
        context.output.write(line + "\n")
        let caption = ((result.path as NSString).lastPathComponent as NSString).deletingPathExtension
        context.session.recordArtifact(path: result.path, caption: caption)
        return .none
    }
}

/// How many pictures of each kind a session named itself (grid_1.png, plot_1.png, ...).
final class PictureCounter {
    var counts: [String: Int] = [:]
}
