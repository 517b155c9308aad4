// The memory limit: DISTILL_MEMORY_LIMIT's syntax, and allocations whose size a caller decides
// refused with a thrown error (never an abort or an overflow trap) before any memory is taken.
import Testing
import TensorCore

@Suite struct MemoryLimitTests {
    @Test func sizesParseWithBinarySuffixes() {
        #expect(MemoryLimit.parse("1048576") == 1 << 20)
        #expect(MemoryLimit.parse("8G") == 8 << 30)
        #expect(MemoryLimit.parse("512m") == 512 << 20)
        #expect(MemoryLimit.parse("1.5K") == 1536)
        #expect(MemoryLimit.parse("2GiB") == 2 << 30)
        #expect(MemoryLimit.parse("2TB") == 2 << 40)
        for bad in ["", "G", "abc", "-1G", "0", "1e3", "8 G B", "1.2.3M", "99999999999T"] {
            #expect(MemoryLimit.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func settingSaysWhereTheLimitComesFrom() {
        let machine = MemoryLimit.Setting(bytes: 1 << 30, origin: "the machine's physical memory")
        #expect(MemoryLimit.setting(environment: nil, physical: machine) == machine)
        #expect(MemoryLimit.setting(environment: "64M", physical: machine).bytes == 64 << 20)
        let bad = MemoryLimit.setting(environment: "lots", physical: machine)
        #expect(bad.bytes == nil && bad.origin.contains("'lots'"))
        // Read once: the process-wide value has a limit on any machine this runs on.
        #expect(MemoryLimit.process.bytes ?? 0 > 0 || MemoryLimit.process.origin.contains("not a size"))
    }

    @Test func tooLargeIsAThrownErrorBeforeAllocating() {
        MemoryLimit.$override.withValue(1 << 20) {
            #expect(throws: Never.self) { try Tensor.zeros([512, 512]) }      // exactly 1 MiB
            let e = #expect(throws: TensorError.self) { try Tensor.zeros([513, 512]) }
            #expect(e?.message.contains("zeros: shape [513, 512] needs 1.0 MiB, more than the memory limit of 1.0 MiB") == true)
            #expect(e?.message.contains("DISTILL_MEMORY_LIMIT") == true)
            var rng = SeededRNG(seed: 1)
            #expect(throws: TensorError.self) { try Tensor.randn([1000, 1000], rng: &rng) }
            let a = try! Tensor.ones([600, 1]), b = try! Tensor.ones([1, 600])
            #expect(throws: TensorError.self) { try a.matmul(b) }
            #expect(throws: TensorError.self) { try a + b }                    // broadcast result
            #expect(throws: TensorError.self) { try a.expand(to: [600, 600]) }
            #expect(throws: TensorError.self) { try Tensor.oneHot(Array(repeating: 0, count: 600), classes: 600) }
            let x = try! Tensor.ones([1, 1, 8, 8])
            #expect(throws: TensorError.self) { try x.resizeBilinear(height: 600, width: 600) }
            #expect(throws: TensorError.self) { try x.conv2d(Tensor.ones([4097, 1, 1, 1])) }
        }
    }

    @Test func elementCountsPastIntAreErrorsNotTraps() throws {
        let huge = 1 << 40
        #expect(throws: TensorError.self) { try Tensor.zeros([huge, huge]) }
        #expect(throws: TensorError.self) { try Tensor.zeros([huge, huge, 0]) }
        #expect(throws: TensorError.self) { try Tensor.ones([2]).reshaped([huge, huge, 0]) }
        #expect(throws: TensorError.self) { try Tensor.arange(0, 1e30) }
        #expect(throws: TensorError.self) { try Tensor.ones([1, 1, 2, 2]).conv2d(Tensor.ones([1, 1, 1, 1]), padding: Int.max / 2) }
        #expect(throws: TensorError.self) { try Tensor.ones([1, 1, 2, 2]).maxPool2d(kernel: Int.max, padding: Int.max / 2) }
        // A zero extent is an empty tensor, whatever the limit.
        let empty = try MemoryLimit.$override.withValue(1) { try Tensor.zeros([0, 1000]) }
        #expect(empty.count == 0)
    }
}
