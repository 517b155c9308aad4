// A named pipe where a data file should be is refused by name at once: opening it for reading
// would otherwise wait forever for a writer.
import Foundation
import Testing
import Datasets
#if canImport(Glibc)
import Glibc
#endif

@Test func aNamedPipeIsNotReadAsADataFile() throws {
    let dir = TempDir()
    let pipe = dir.path + "/train-images-idx3-ubyte"
    #expect(mkfifo(pipe, 0o644) == 0)
    // A reader wrongly blocked in open(2) is freed after two seconds, so a regression fails
    // instead of hanging.
    Thread.detachNewThread {
        Thread.sleep(forTimeInterval: 2)
        let fd = open(pipe, O_WRONLY | O_NONBLOCK)
        if fd >= 0 { close(fd) }
    }
    #expect {
        _ = try FileBytes.read(pipe, maxBytes: 1 << 20, what: "the test's limit")
    } throws: { e in
        (e as? DataError)?.message == "\(pipe): not a regular file"
    }
}
