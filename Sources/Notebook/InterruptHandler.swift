// Ctrl-C handling: a SIGINT handler that only writes a byte to a pipe (async-signal-safe),
// and a watcher thread that turns it into `Interrupt.request()`. A second Ctrl-C during the
// same command exits with status 130; at the line editor, Ctrl-C clears the line instead.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CReadline
import Foundation
import TensorCore

/// Installs and drives the process's SIGINT handling (process-wide by nature).
public enum InterruptHandler {
    /// Set while the line editor is reading, so Ctrl-C clears the line rather than interrupting.
    nonisolated(unsafe) static var atPrompt: Int32 = 0
    /// Set when Ctrl-C cleared the line at the prompt, so the REPL drops a half-typed block.
    nonisolated(unsafe) static var clearedAtPrompt: Int32 = 0
    nonisolated(unsafe) static var pipeWrite: Int32 = -1
    nonisolated(unsafe) static var installed = false
    nonisolated(unsafe) static var pressesThisCommand = 0
    static let lock = NSLock()

    /// Installs the handler once. Later calls do nothing.
    public static func install() {
        lock.lock(); defer { lock.unlock() }
        guard !installed else { return }
        installed = true
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        pipeWrite = fds[1]
        let readEnd = fds[0]
        let watcher = Thread {
            var byte: UInt8 = 0
            while read(readEnd, &byte, 1) == 1 {
                lock.lock()
                pressesThisCommand += 1
                let presses = pressesThisCommand
                lock.unlock()
                if presses >= 2 {
                    // `_exit`, not `exit`: exit's handlers race the main thread, still running
                    // the command, and can hang. Nothing is lost: output is flushed after every
                    // write and the REPL's history is written before a command runs.
                    fputs("\ninterrupted twice: quitting\n", stderr)
                    fflush(stdout)
                    fflush(stderr)
                    _exit(ExitStatus.interrupted)
                }
                Interrupt.request()
                fputs("\n(Ctrl-C: stopping at the next step; press again to quit now)\n", stderr)
            }
        }
        watcher.start()
        // A parent may have started us with SIGINT blocked (test runners, some launchers):
        // unblock it, or Ctrl-C would never reach the handler.
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        signal(SIGINT) { _ in
            if InterruptHandler.atPrompt != 0 {
                // Readline is reading (it echoes ^C itself): drop the typed line, fresh prompt.
                fputs("\n", stdout)
                InterruptHandler.clearedAtPrompt = 1
                rl_replace_line("", 0)
                rl_on_new_line()
                rl_redisplay()
                return
            }
            var byte: UInt8 = 1
            _ = write(InterruptHandler.pipeWrite, &byte, 1)
        }
    }

    /// Whether Ctrl-C cleared the prompt since the last call.
    static func takeClearedAtPrompt() -> Bool {
        defer { clearedAtPrompt = 0 }
        return clearedAtPrompt != 0
    }

    /// Clears the interrupt flag before a new command.
    public static func beginCommand() {
        lock.lock(); pressesThisCommand = 0; lock.unlock()
        Interrupt.clear()
    }
}
