// Splitting a list of independent jobs across the ranks and giving every rank all the results.
import Foundation

extension Communicator {
    /// Runs `body(i)` for every i in 0 ..< count, each on one rank (round robin, in rounds of
    /// `size`), and returns all results, in index order, on every rank. Results travel as
    /// JSON with floats written exactly (nan and infinities as strings), so a result is the
    /// same value on every rank and for any rank count. A rank whose `body` throws leaves the
    /// others waiting: the front end then ends the job (docs/scale-out.md, "Faults"). When a
    /// result satisfies `stop`, no further round starts and the results so far are returned.
    public func distribute<T: Codable>(_ count: Int, stop: (T) -> Bool = { _ in false },
                                       _ body: (Int) throws -> T) throws -> [T] {
        if size == 1 {
            var results: [T] = []
            for i in 0..<count {
                results.append(try body(i))
                if stop(results[i]) { break }
            }
            return results
        }
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var results: [T] = []
        results.reserveCapacity(count)
        var start = 0
        while start < count {
            let index = start + rank
            let mine = index < count ? Array(try encoder.encode([try body(index)])) : Array("[]".utf8)
            let pieces = try allgather(mine)
            for piece in pieces.prefix(min(size, count - start)) {
                let decoded = try decoder.decode([T].self, from: Data(piece))
                guard let value = decoded.first else { throw ClusterError("a rank sent no result for its job") }
                results.append(value)
            }
            if results[start...].contains(where: stop) { break }
            start += size
        }
        return results
    }
}
