// Helpers shared by the kernel tests: a seeded generator for fixtures, buffer comparison with a
// readable failure, and a Double inner product for adjoint checks. No kernels are tested here.
import Kernels

/// SplitMix64: a tiny seeded generator so every fixture is reproducible.
struct FixtureRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
    mutating func array(_ count: Int) -> [Float] { (0..<count).map { _ in uniform() } }
}

/// nil when `a` and `b` agree within `tol * (1 + |b|)` element-wise, else a message naming the
/// worst element and its difference.
func mismatch(_ a: [Float], _ b: [Float], tol: Float = 1e-4) -> String? {
    guard a.count == b.count else { return "counts differ: \(a.count) vs \(b.count)" }
    var worst = -1
    var worstExcess: Float = 0
    for i in a.indices {
        let excess = abs(a[i] - b[i]) - tol * (1 + abs(b[i]))
        if !(excess <= worstExcess) && (excess > 0 || a[i].isNaN) { worst = i; worstExcess = excess.isNaN ? .infinity : excess }
    }
    if worst < 0 { return nil }
    return "element \(worst): \(a[worst]) vs \(b[worst]) (diff \(abs(a[worst] - b[worst])))"
}

/// The inner product of two buffers in Double.
func dot(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    var s = 0.0
    for i in a.indices { s += Double(a[i]) * Double(b[i]) }
    return s
}

/// Relative closeness of two Doubles, for adjoint identities.
func relativelyClose(_ a: Double, _ b: Double, tol: Double = 1e-5) -> Bool {
    abs(a - b) <= tol * max(1, abs(a), abs(b))
}

/// Calls `body` with `ThreadPool.width` set to `width`, restoring it afterwards.
func withPoolWidth<R>(_ width: Int, _ body: () -> R) -> R {
    let old = ThreadPool.width
    ThreadPool.width = width
    defer { ThreadPool.width = old }
    return body()
}
