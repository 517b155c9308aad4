// The working form of a feature matrix for the fast paths: rows centred on their mean (the
// ||a||² + ||b||² − 2ab trick loses less to cancellation near the origin) with squared norms,
// plus the assignment and centre-update steps of Lloyd's algorithm on it. No seeding here.
import Kernels
import TensorCore

extension KMeans {
    /// Rows [n, d] minus their column mean, with each row's squared norm.
    struct CenteredRows {
        let n: Int, d: Int
        /// x − mean, [n, d].
        let x: [Float]
        /// Column means of the original rows, [d].
        let mean: [Float]
        /// ||x_i − mean||², [n].
        let norms: [Float]

        init(_ data: [Float], n: Int, d: Int) {
            self.n = n
            self.d = d
            // Column sums in Double, column ranges over the pool: each column's order is fixed.
            var sums = [Double](repeating: 0, count: d)
            data.withUnsafeBufferPointer { xp in
                sums.withUnsafeMutableBufferPointer { sp in
                    let (xb, sb) = (xp.baseAddress!, sp.baseAddress!)
                    ThreadPool.forRanges(d, minChunk: 64) { cols in
                        for i in 0..<n {
                            let row = xb + i * d
                            for j in cols { sb[j] += Double(row[j]) }
                        }
                    }
                }
            }
            let mean = sums.map { Float($0 / Double(n)) }
            self.mean = mean
            let centred = [Float](unsafeUninitializedCapacity: n * d) { out, written in
                data.withUnsafeBufferPointer { xp in
                    let (xb, ob) = (xp.baseAddress!, out.baseAddress!)
                    ThreadPool.forRanges(n, minChunk: 64) { rows in
                        for i in rows { for j in 0..<d { ob[i * d + j] = xb[i * d + j] - mean[j] } }
                    }
                }
                written = n * d
            }
            self.x = centred
            self.norms = Self.squaredNorms(centred, rows: n, d: d)
        }

        static func squaredNorms(_ rows: [Float], rows n: Int, d: Int) -> [Float] {
            [Float](unsafeUninitializedCapacity: n) { out, written in
                rows.withUnsafeBufferPointer { rowSquaredNorms($0.baseAddress!, n: n, d: d, norms: out.baseAddress!) }
                written = n
            }
        }

        /// Rows of another matrix [*, d] moved into this centred space.
        func centred(_ other: [Float]) -> [Float] {
            var out = other
            for r in 0..<(other.count / d) { for j in 0..<d { out[r * d + j] -= mean[j] } }
            return out
        }

        /// Centred rows [*, d] moved back to the original space.
        func uncentred(_ rows: [Float]) -> [Float] {
            var out = rows
            for r in 0..<(rows.count / d) { for j in 0..<d { out[r * d + j] += mean[j] } }
            return out
        }

        /// out[i, j] = squared distance of row i to centre j; centres: [k, d] centred, out: [n, k].
        func distances(to centres: [Float], k: Int, out: inout [Float]) {
            let cNorms = Self.squaredNorms(centres, rows: k, d: d)
            x.withUnsafeBufferPointer { xp in
                centres.withUnsafeBufferPointer { cp in
                    pairwiseSquaredDistances(x: xp.baseAddress!, n: n, c: cp.baseAddress!, k: k, d: d,
                                             xNorms: norms, cNorms: cNorms, out: &out)
                }
            }
        }

        /// The E-step: nearest centre of every row and the squared distance to it.
        func assign(_ centres: [Float], k: Int, labels: inout [Int], distances: inout [Float]) {
            let cNorms = Self.squaredNorms(centres, rows: k, d: d)
            x.withUnsafeBufferPointer { xp in
                centres.withUnsafeBufferPointer { cp in
                    nearestRows(x: xp.baseAddress!, n: n, c: cp.baseAddress!, k: k, d: d,
                                xNorms: norms, cNorms: cNorms, labels: &labels, distances: &distances)
                }
            }
        }

        /// The M-step: the mean of each cluster's rows; an empty cluster takes the row farthest
        /// from its centre (farthest first, ties by index), one row per empty cluster.
        func centres(labels: [Int], counts: [Int], distances: [Float], k: Int) -> [Float] {
            var sums = [Double](repeating: 0, count: k * d)
            // Column ranges over the pool, rows in order within each: fixed summation order.
            x.withUnsafeBufferPointer { xp in
                sums.withUnsafeMutableBufferPointer { sp in
                    let (xb, sb) = (xp.baseAddress!, sp.baseAddress!)
                    // Column chunks of 128 as separate work items (dynamic over the pool).
                    let chunks = (d + 127) / 128
                    ThreadPool.run(chunks) { chunk in
                        let cols = (chunk * 128)..<min(d, (chunk + 1) * 128)
                        for i in 0..<n {
                            let row = xb + i * d, sum = sb + labels[i] * d
                            for j in cols { sum[j] += Double(row[j]) }
                        }
                    }
                }
            }
            var out = [Float](repeating: 0, count: k * d)
            for c in 0..<k where counts[c] > 0 {
                let scale = 1 / Double(counts[c])
                for j in 0..<d { out[c * d + j] = Float(sums[c * d + j] * scale) }
            }
            KMeans.relocateEmpty(counts: counts, distances: distances) { c, i in
                for j in 0..<d { out[c * d + j] = x[i * d + j] }
            }
            return out
        }
    }

    /// Calls `move(cluster, row)` for each empty cluster in index order with the rows farthest
    /// from their centres, farthest first (ties by lower row index).
    static func relocateEmpty(counts: [Int], distances: [Float], move: (Int, Int) -> Void) {
        let empty = counts.indices.filter { counts[$0] == 0 }
        if empty.isEmpty { return }
        let far = distances.indices.sorted { distances[$0] != distances[$1] ? distances[$0] > distances[$1] : $0 < $1 }
        for (c, i) in zip(empty, far) { move(c, i) }
    }
}
