// Seeded random numbers: the one generator every random choice in Distillery flows from.
// It is specified here exactly so the same seed gives the same numbers on every machine.

/// xoshiro256** seeded through SplitMix64 (Blackman & Vigna), with documented conversions:
/// `nextFloat()` takes the top 24 bits, and `nextNormal()` is Box-Muller on two such draws.
///
///     var rng = SeededRNG(seed: 1)
///     let u = rng.nextFloat()      // in [0, 1)
public struct SeededRNG: RandomNumberGenerator, Sendable, Equatable, Codable {
    public var state: (UInt64, UInt64, UInt64, UInt64) {
        get { (s0, s1, s2, s3) }
        set { (s0, s1, s2, s3) = newValue }
    }
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// A second normal value left over from the last Box-Muller pair is *not* cached, so the
    /// stream depends only on the state above.
    public init(seed: UInt64) {
        var sm = seed
        func splitmix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    @inlinable public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @usableFromInline @inline(__always) func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 24 random bits.
    @inlinable public mutating func nextFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform in [lo, hi).
    @inlinable public mutating func nextFloat(in lo: Float, _ hi: Float) -> Float {
        lo + (hi - lo) * nextFloat()
    }

    /// Standard normal (Box-Muller, cosine branch), computed in Double.
    public mutating func nextNormal() -> Float {
        let u1 = (Double(next() >> 11) + 1) * (1.0 / 9_007_199_254_740_992.0)  // (0, 1]
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// Uniform integer in 0..<n (n > 0), unbiased.
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0)
        return Int(next(upperBound: UInt64(n)))
    }

    /// A derived generator for an independent stream (e.g. one per run or per class).
    public mutating func fork() -> SeededRNG { SeededRNG(seed: next()) }

    public static func == (a: SeededRNG, b: SeededRNG) -> Bool {
        a.s0 == b.s0 && a.s1 == b.s1 && a.s2 == b.s2 && a.s3 == b.s3
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// Uniform samples in [lo, hi) from `rng`.
    public static func rand(_ shape: [Int], lo: Float = 0, hi: Float = 1, rng: inout SeededRNG) throws -> Tensor {
        try checkShape(shape, op: "rand")
        let n = shape.reduce(1, *)
        var d = [Float](repeating: 0, count: n)
        for i in 0..<n { d[i] = rng.nextFloat(in: lo, hi) }
        return Tensor(unchecked: shape, data: d)
    }

    /// Normal samples with the given mean and standard deviation from `rng`.
    public static func randn(_ shape: [Int], mean: Float = 0, std: Float = 1, rng: inout SeededRNG) throws -> Tensor {
        try checkShape(shape, op: "randn")
        let n = shape.reduce(1, *)
        var d = [Float](repeating: 0, count: n)
        for i in 0..<n { d[i] = mean + std * rng.nextNormal() }
        return Tensor(unchecked: shape, data: d)
    }

    public static func rand(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var rng = SeededRNG(seed: seed)
        return try rand(shape, rng: &rng)
    }

    public static func randn(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var rng = SeededRNG(seed: seed)
        return try randn(shape, rng: &rng)
    }
}
