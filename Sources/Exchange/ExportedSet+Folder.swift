// The folder layout of an exported set, readable by torchvision's ImageFolder: one PNG per
// image under CLASS_NAME/ (the [0, 1] pixels, rounded to bytes), labels.csv (file,label,class),
// meta.json, images.npy (the stored values, exactly), learned_step(s).npy and zca_*.npy when
// the set has them. Written in a temporary folder renamed into place.
import Cluster
import Datasets
import Foundation
import ImageIO
import Persistence
import TensorCore

extension ExportedSet {
    /// In an MPI job rank 0 writes the folder and the others wait for it (`onRoot`).
    func writeFolder(to path: String) throws {
        try World.shared.onRoot { try writeFolderHere(to: path) }
    }

    private func writeFolderHere(to path: String) throws {
        let target = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let fm = FileManager.default
        var isDir: ObjCBool = false
        let exists = fm.fileExists(atPath: target, isDirectory: &isDir)
        if exists && (!isDir.boolValue || !fm.fileExists(atPath: target + "/meta.json")) {
            throw DataError("\(target): already exists and is not an exported set's folder", hint: "choose another path, or remove it")
        }
        let temp = target + ".tmp-\(getpid())"
        try? fm.removeItem(atPath: temp)
        do {
            try fm.createDirectory(atPath: temp, withIntermediateDirectories: true)
            let pixels = try self.pixels()
            let n = labels.count, per = pixels.count / max(n, 1)
            var csv = "file,label,class\n"
            let names = metadata.classes.map(ExportedSet.folderName)
            for name in Set(names) { try fm.createDirectory(atPath: temp + "/" + name, withIntermediateDirectories: false) }
            for i in 0..<n {
                let file = names[labels[i]] + "/" + String(format: "%05d.png", i)
                let image = Tensor(unchecked: metadata.imageShape, data: Array(pixels.data[(i * per)..<((i + 1) * per)]))
                try PNGImage(tensor: image).write(to: temp + "/" + file)
                csv += "\(ExportedSet.csvField(file)),\(labels[i]),\(ExportedSet.csvField(metadata.classes[labels[i]]))\n"
            }
            try AtomicWriter().write(Array(csv.utf8), to: temp + "/labels.csv", what: "labels.csv")
            try AtomicWriter().write(try metadataJSON(), to: temp + "/meta.json", what: "meta.json")
            for (name, array) in try arrays() where name != "pixels" && name != "labels" {
                try AtomicWriter().write(NPY.encode(array), to: "\(temp)/\(name).npy")
            }
            if exists {
                let old = target + ".old-\(getpid())"
                try fm.moveItem(atPath: target, toPath: old)
                try fm.moveItem(atPath: temp, toPath: target)
                try? fm.removeItem(atPath: old)
            } else {
                try fm.moveItem(atPath: temp, toPath: target)
            }
        } catch {
            try? fm.removeItem(atPath: temp)
            if let e = error as? DataError { throw e }
            throw DataError("\(target): cannot write the export: \(error)")
        }
    }

    static func readFolder(_ path: String) throws -> ExportedSet {
        let folder = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let metadata = try metadata(fromJSON: readFile(folder + "/meta.json"), file: folder + "/meta.json")
        let csvPath = folder + "/labels.csv"
        let rows = String(decoding: try readFile(csvPath), as: UTF8.self).split(whereSeparator: \.isNewline).dropFirst()
        guard rows.count == metadata.count else { throw DataError("\(csvPath): \(rows.count) rows but meta.json says \(metadata.count) images") }
        let plane = metadata.imageShape.reduce(1, *)
        try ExchangeArray.checkMemory(bytes: rows.count * plane * 4, file: folder, what: "\(rows.count) images")
        var labels = [Int](), data = [Float]()
        data.reserveCapacity(rows.count * plane)
        for (line, row) in rows.enumerated() {
            let fields = csvFields(String(row))
            guard fields.count == 3, let label = Int(fields[1]) else {
                throw DataError("\(csvPath):\(line + 2): expected file,label,class, got \"\(row)\"")
            }
            guard label >= 0, label < metadata.classes.count, metadata.classes[label] == fields[2] else {
                throw DataError("\(csvPath):\(line + 2): class '\(fields[2])' (label \(label)) is not one of the classes in meta.json")
            }
            guard !fields[0].hasPrefix("/"), !fields[0].split(separator: "/").contains("..") else {
                throw DataError("\(csvPath):\(line + 2): image path '\(fields[0])' leaves the folder")
            }
            let file = folder + "/" + fields[0]
            let image: PNGImage
            do { image = try PNGImage.read(path: file) } catch let e as ImageIOError { throw DataError("\(file): not a readable image: \(e.message)") }
            let t = image.tensor()
            guard t.shape == metadata.imageShape else {
                throw DataError("\(file): image is \(t.shape.shapeText), meta.json says \(metadata.imageShape.shapeText)")
            }
            labels.append(label)
            data += t.data
        }
        // The side arrays as the other formats name them; the PNGs stand in for `pixels`.
        var arrays: [String: ExchangeArray] = [
            "images": ExchangeArray(shape: [labels.count] + metadata.imageShape, float32: data),
            "labels": ExchangeArray(shape: [labels.count], int64: labels.map(Int64.init)),
        ]
        for name in ["learned_step_size", "learned_steps", "zca_mean", "zca_whitening", "zca_coloring"] {
            let file = "\(folder)/\(name).npy"
            if FileManager.default.fileExists(atPath: file) { arrays[name] = try NPY.decode(readFile(file), file: file, name: name) }
        }
        var set = try assemble(arrays, metadata: metadata, file: folder, member: ".npy")
        let fromPNG = set.images
        set.images = try set.stored(fromPixels: fromPNG)
        let exact = "\(folder)/images.npy"
        guard FileManager.default.fileExists(atPath: exact) else { return set }
        let stored = try NPY.decode(readFile(exact), file: exact, name: "images")
        guard stored.dtype == .float32, stored.shape == set.images.shape else {
            throw DataError("\(exact): images are \(stored.dtype.rawValue) \(stored.shape), the PNGs \(set.images.shape)")
        }
        let candidate = try ExportedSet(metadata: metadata, images: stored.tensor(), labels: labels, whitening: set.whitening, file: folder)
        let differing = try pngMismatches(candidate.pixels(), fromPNG)
        guard differing == 0 else {
            throw DataError("\(exact): \(differing) pixels differ from the PNGs by more than one grey level",
                            hint: "a PNG was changed after export; remove images.npy to use the PNGs as they are")
        }
        return candidate
    }

    /// How many of `pixels` ([0, 1], unclamped) are more than one 8-bit level from `png`'s.
    static func pngMismatches(_ pixels: Tensor, _ png: Tensor) -> Int {
        var count = 0
        for (p, q) in zip(pixels.data, png.data) where abs(min(max(p, 0), 1) - q) * 255 > 1.001 { count += 1 }
        return count
    }

    /// A class name as a folder name: "/" and a leading "." replaced, so it stays one folder.
    static func folderName(_ name: String) -> String {
        var s = name.replacingOccurrences(of: "/", with: "_")
        if s.hasPrefix(".") || s.isEmpty { s = "_" + s }
        return s
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// The fields of one CSV row (quotes as RFC 4180).
    static func csvFields(_ row: String) -> [String] {
        var fields = [String](), field = "", quoted = false, chars = Array(row), i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" { if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false } } else { field.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { fields.append(field); field = "" } else { field.append(c) }
            i += 1
        }
        fields.append(field)
        return fields
    }
}
