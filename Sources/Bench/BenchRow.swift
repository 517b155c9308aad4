// One benchmark result line and its JSON form, and the peer figures it is compared with.
// Measuring lives in Stopwatch.swift; the list of benchmarks in Benchmarks.swift.
import Foundation

/// One printed line: what was measured, at which shape, how fast, and the peer's figure.
struct BenchRow {
    var name: String
    var shape: String
    var figure: Double
    var unit: String
    var peer: String? = nil
    var peerFigure: Double? = nil
    /// Peak resident memory (MB) of our process and of the peer's, when known.
    var peakMB: Double? = nil
    var peerPeakMB: Double? = nil

    /// Ours over the peer's: above 1 means faster (every unit here is a rate).
    var ratio: Double? {
        guard let p = peerFigure, p > 0 else { return nil }
        return figure / p
    }

    /// One JSON object with keys in a fixed order, numbers rounded to 4 significant digits.
    var json: String {
        func number(_ v: Double?) -> String {
            guard let v, v.isFinite else { return "null" }
            return String(format: "%.4g", v)
        }
        func text(_ s: String?) -> String {
            guard let s else { return "null" }
            let escaped = s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
        return "{\"name\": \(text(name)), \"shape\": \(text(shape)), \"figure\": \(number(figure)), "
            + "\"unit\": \(text(unit)), \"peer\": \(text(peer)), \"peer_figure\": \(number(peerFigure)), "
            + "\"ratio\": \(number(ratio)), \"peak_mb\": \(number(peakMB)), \"peer_peak_mb\": \(number(peerPeakMB))}"
    }
}

/// Figures printed by a peer script (same JSON rows), keyed by name and shape.
struct PeerFigures {
    private var figures: [String: (peer: String, figure: Double, peakMB: Double?)] = [:]

    init() {}

    /// Reads one JSON object per line (its "source" names the peer); other lines are ignored.
    init(contentsOf path: String) throws {
        add(lines: try String(contentsOfFile: path, encoding: .utf8))
    }

    /// Adds the rows in `text`; a row seen before keeps the higher figure (best of rounds).
    mutating func add(lines text: String) {
        for line in text.split(separator: "\n") {
            guard let data = line.data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let name = object["name"] as? String, let shape = object["shape"] as? String,
                  let figure = object["figure"] as? Double
            else { continue }
            let key = name + "|" + shape
            if let old = figures[key], old.figure >= figure { continue }
            figures[key] = (object["source"] as? String ?? "peer", figure, object["peak_mb"] as? Double)
        }
    }

    /// Fills the peer columns of `row` when the peer measured the same name and shape.
    func annotate(_ row: BenchRow) -> BenchRow {
        var row = row
        if let p = figures[row.name + "|" + row.shape] {
            row.peer = p.peer
            row.peerFigure = p.figure
            row.peerPeakMB = p.peakMB
        }
        return row
    }
}
