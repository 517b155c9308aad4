// The fuzz targets: a name, what it feeds, a sensible input size, the harness and its
// generated seeds. Harnesses treat thrown errors as the right answer and trap (which libFuzzer
// reports) when a reader breaks a promise: an error without a message, a file written by the
// program that does not read back.
import Foundation

/// One harness.
struct FuzzTarget {
    let name: String
    let summary: String
    /// The -max_len scripts/fuzz passes.
    let maxLength: Int
    let run: ([UInt8]) -> Void
    /// Seed files made by the program itself (the repository's fixtures are added by scripts/fuzz).
    let seeds: () -> [(String, [UInt8])]

    static let all: [FuzzTarget] = [
        ScriptHarness.target, SessionHarness.target, CheckpointHarness.target,
        IDXHarness.target, CIFARHarness.target, PNGHarness.target, NotebookHarness.target, ExportHarness.target,
    ]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    /// Writes the generated seeds of `target` into `folder` (made if needed).
    static func writeSeeds(of target: FuzzTarget, into folder: String) {
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, bytes) in target.seeds() {
            _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data(bytes))
        }
    }

    /// Traps with `message` when `condition` is false: a broken promise is a crash to libFuzzer.
    static func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
        if !condition() { fatalError("fuzz invariant: " + message()) }
    }

    /// Checks that an error thrown for bad input says something.
    static func requireMessage(_ error: Error, _ target: String) {
        let text = "\(error)"
        require(!text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(target): an error without a message (\(type(of: error)))")
    }
}

/// A scratch file per process for the readers that take paths.
enum ScratchFile {
    /// In /dev/shm when there is one: the round trips save with fsync, which costs little there.
    static let folder: String = {
        let base = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let dir = base + "/distill-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: ScratchFile.folder) }
        return dir
    }()

    /// Writes `bytes` to the file `name` in the scratch folder and returns its path.
    static func write(_ bytes: [UInt8], name: String) -> String {
        let path = folder + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot write the scratch file \(path)")
        defer { close(fd) }
        var done = 0
        bytes.withUnsafeBytes { buf in
            while done < buf.count {
                let n = Foundation.write(fd, buf.baseAddress! + done, buf.count - done)
                precondition(n > 0, "cannot write the scratch file \(path)")
                done += n
            }
        }
        return path
    }
}
