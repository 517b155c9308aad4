// The folder layout of an exported set, readable by torchvision's ImageFolder: one PNG per
// image under CLASS_NAME/ (the [0, 1] pixels, rounded to bytes), labels.csv (file,label,class),
// meta.json, and zca_*.npy when whitened. Written in a temporary folder renamed into place.
import Datasets
import Foundation
import ImageIO
import Persistence
import TensorCore

extension ExportedSet {
    func writeFolder(to path: String) throws {
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
            for (name, array) in zcaArrays() { try AtomicWriter().write(NPY.encode(array), to: "\(temp)/\(name).npy") }
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
        var whitening: ZCA?
        if let eps = metadata.zcaEps {
            func array(_ name: String) throws -> ExchangeArray {
                try NPY.decode(readFile("\(folder)/\(name).npy"), file: "\(folder)/\(name).npy", name: name)
            }
            whitening = try ZCA(eps: eps, mean: array("zca_mean").floats(), whitening: array("zca_whitening").floats(),
                                coloring: array("zca_coloring").floats(), imageShape: metadata.imageShape)
        }
        var set = try ExportedSet(metadata: metadata, images: Tensor(unchecked: [labels.count] + metadata.imageShape, data: data),
                                  labels: labels, whitening: whitening, file: folder)
        set.images = try set.stored(fromPixels: set.images)
        return set
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
