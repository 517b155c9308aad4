// Entry points of the fuzz harnesses. Built by scripts/fuzz with -D FUZZING and the libFuzzer
// sanitizer, this file is libFuzzer's LLVMFuzzerTestOneInput (the harness named by
// DISTILL_FUZZ_TARGET); in the normal build it is a command that replays files through a
// harness (crash reproducers, corpora) and writes the generated seed files.
import Foundation

#if FUZZING
/// libFuzzer's driver, called from the entry point SwiftPM links as `main` (on Linux it
/// aliases `main` to `DistillFuzz_main`, so libFuzzer's own `main` is not used).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("DistillFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzDriver.shared.run(bytes)
    return 0
}

/// With DISTILL_FUZZ_SEEDS set, writes the target's generated seeds into that folder before
/// libFuzzer reads its corpus folders (scripts/fuzz passes the same folder as the corpus).
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    if let folder = ProcessInfo.processInfo.environment["DISTILL_FUZZ_SEEDS"] {
        FuzzTarget.writeSeeds(of: FuzzDriver.shared.target, into: folder)
    }
    return 0
}
#else
@main
enum FuzzCommand {
    static let usage = """
        usage: DistillFuzz TARGET FILE...     run each file through the harness of TARGET
               DistillFuzz seeds TARGET DIR   write TARGET's generated seed files into DIR
               DistillFuzz targets            list the targets
        """

    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        guard let first = args.first else { fail(usage) }
        args.removeFirst()
        switch first {
        case "targets":
            for t in FuzzTarget.all { print("\(t.name)\tmax_len \(t.maxLength)\t\(t.summary)") }
        case "seeds":
            guard args.count == 2, let target = FuzzTarget.named(args[0]) else { fail(usage) }
            FuzzTarget.writeSeeds(of: target, into: args[1])
        default:
            guard let target = FuzzTarget.named(first) else { fail("unknown target '\(first)'\n" + usage) }
            let driver = FuzzDriver(target: target)
            for path in args {
                guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read '\(path)'") }
                driver.run([UInt8](data))
                print("ok \(path)")
            }
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
        exit(64)
    }
}
#endif
