// The most memory one tensor may take: the machine's physical memory (or its cgroup's limit when
// lower), or DISTILL_MEMORY_LIMIT; read once per process. Every allocation whose size a user
// decides is checked against it first, so asking for too much is an error, not an abort.
import Foundation

/// The largest single allocation allowed, and the check made before allocating.
///
///     try MemoryLimit.check(bytes: 40_000_000_000, what: "zeros: shape [100000, 100000]")
///     // zeros: shape [100000, 100000] needs 37.3 GiB, more than the memory limit of ...
///
/// The limit is per allocation, not a running total: it turns requests that can never succeed
/// into errors. Tests lower it for their own task with `MemoryLimit.$override.withValue(...)`,
/// which other tests running at the same time do not see.
public enum MemoryLimit {
    /// Where the process-wide limit comes from.
    public struct Setting: Sendable, Equatable {
        /// The limit in bytes, or nil when DISTILL_MEMORY_LIMIT is not a size.
        public let bytes: Int?
        /// "physical memory", "cgroup memory.max", "DISTILL_MEMORY_LIMIT=8G", or the complaint.
        public let origin: String

        public init(bytes: Int?, origin: String) {
            self.bytes = bytes
            self.origin = origin
        }
    }

    /// The process-wide setting, read once (no system call per allocation).
    public static let process: Setting = setting(environment: ProcessInfo.processInfo.environment["DISTILL_MEMORY_LIMIT"],
                                                 physical: physicalMemory())

    /// A limit in bytes for the current task only (tests); nil means the process-wide one.
    @TaskLocal public static var override: Int?

    /// The limit in bytes that applies here, or nil when DISTILL_MEMORY_LIMIT cannot be read.
    public static var bytes: Int? { override ?? process.bytes }

    /// Throws when `bytes` bytes exceed the limit; `what` names the op and its shape.
    @inline(__always)
    public static func check(bytes: Int, what: String) throws {
        if let o = override {
            if bytes > o { throw TensorError(refusal(bytes, what, limit: o, origin: "the limit set for this test")) }
            return
        }
        guard let limit = process.bytes else {
            throw TensorError("\(what): DISTILL_MEMORY_LIMIT is \(process.origin) (HINT: give bytes with an optional K, M, G or T suffix, such as 8G, or unset it)")
        }
        if bytes > limit { throw TensorError(refusal(bytes, what, limit: limit, origin: process.origin)) }
    }

    static func refusal(_ bytes: Int, _ what: String, limit: Int, origin: String) -> String {
        "\(what) needs \(sizeText(bytes)), more than the memory limit of \(sizeText(limit)) (\(origin)) "
            + "(HINT: use smaller sizes; DISTILL_MEMORY_LIMIT=SIZE, such as 64G, sets the limit)"
    }

    /// The setting for a DISTILL_MEMORY_LIMIT value (nil: unset) on a machine with `physical` bytes.
    public static func setting(environment value: String?, physical: Setting) -> Setting {
        guard let value else { return physical }
        guard let bytes = parse(value) else {
            return Setting(bytes: nil, origin: "'\(value)', not a size")
        }
        return Setting(bytes: bytes, origin: "DISTILL_MEMORY_LIMIT=\(value)")
    }

    /// Bytes for `8G`, `512M`, `1.5G`, `1048576` (K, M, G, T are powers of 1024, any case; a
    /// trailing `B` or `iB` is allowed); nil for anything else, zero or negative.
    public static func parse(_ text: String) -> Int? {
        var s = text.trimmingCharacters(in: .whitespaces).uppercased()
        if s.hasSuffix("IB") { s.removeLast(2) } else if s.hasSuffix("B") { s.removeLast() }
        var scale: Double = 1
        if let last = s.last, let power = ["K": 1, "M": 2, "G": 3, "T": 4][String(last)] {
            scale = pow(1024, Double(power))
            s.removeLast()
        }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let number = Double(s), number.isFinite else { return nil }
        let bytes = (number * scale).rounded(.down)
        guard bytes >= 1, bytes < 0x1p62 else { return nil }
        return Int(bytes)
    }

    /// `37.3 GiB`, `512.0 MiB`, `100 bytes`.
    public static func sizeText(_ bytes: Int) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        guard bytes >= 1024 else { return "\(bytes) bytes" }
        var v = Double(bytes) / 1024
        var u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return String(format: "%.1f %@", v, units[u])
    }

    /// The machine's physical memory, or its cgroup's memory limit when that is lower.
    static func physicalMemory() -> Setting {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        var best = Setting(bytes: pages > 0 && pageSize > 0 ? pages * pageSize : Int(1) << 62, origin: "the machine's physical memory")
        // cgroup v2, then v1: "max" or a huge number means no limit.
        for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8),
                  let v = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), v > 0 else { continue }
            if v < best.bytes! { best = Setting(bytes: v, origin: "the memory limit of this process's cgroup") }
            break
        }
        return best
    }
}
