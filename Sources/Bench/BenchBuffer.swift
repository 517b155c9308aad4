// A Float buffer for benchmarks, filled with reproducible values in [-1, 1) or zeros.
// Benchmarks own their buffers; nothing here is timed.

/// Heap memory for one benchmark operand, freed when the buffer goes away.
final class BenchBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    /// `count` floats: zeros, or uniform values from a small generator seeded with `seed`.
    init(_ count: Int, seed: UInt64? = nil) {
        self.count = count
        pointer = .allocate(capacity: max(1, count))
        guard var state = seed else {
            pointer.update(repeating: 0, count: count)
            return
        }
        for i in 0..<count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            pointer[i] = Float(state >> 40) / Float(1 << 23) - 1
        }
    }

    deinit { pointer.deallocate() }
}
