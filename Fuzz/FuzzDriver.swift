// Runs fuzz inputs through one harness on a worker thread with a 64 MiB stack, as the
// distill executable runs scripts, so recursion limits are those of the real program.
import Foundation

/// Hands each input to the harness on a long-lived large-stack thread and waits for it.
final class FuzzDriver: @unchecked Sendable {
    let target: FuzzTarget
    private let start = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private var input: [UInt8] = []

    init(target: FuzzTarget) {
        self.target = target
        let thread = Thread { [self] in  // the driver lives as long as the process
            while true {
                self.start.wait()
                self.target.run(self.input)
                self.done.signal()
            }
        }
        thread.stackSize = 64 << 20
        thread.start()
    }

    func run(_ bytes: [UInt8]) {
        input = bytes
        start.signal()
        done.wait()
    }

    /// The driver of the target named by DISTILL_FUZZ_TARGET (libFuzzer builds).
    static let shared: FuzzDriver = {
        let name = ProcessInfo.processInfo.environment["DISTILL_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget.named(name) else {
            fatalError("DISTILL_FUZZ_TARGET must name a target (\(FuzzTarget.all.map(\.name).joined(separator: ", "))), got '\(name)'")
        }
        return FuzzDriver(target: target)
    }()
}
