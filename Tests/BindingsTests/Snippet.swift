// Test helper: runs .dd snippets through a standard Session and returns what they printed, the
// error message they stopped with, or the value of a variable. No assertions live here.
import Bindings
import Foundation
import Script
import TensorCore

/// One session for a test; `run` keeps variables between calls, like REPL cells.
final class Snippet {
    let session = Session.standard()
    let out = OutputBuffer()

    init(folder: String? = nil) {
        session.output = out
        session.artifactDirectory = folder
    }

    /// A session whose `data` is the image folder at `root`, with `setup` run after it.
    static func opening(_ root: String, then setup: String = "") -> Snippet {
        let s = Snippet()
        s.run("data = dataset(\"\(root)\")" + (setup.isEmpty ? "" : "\n" + setup))
        return s
    }

    /// Runs `code` and returns its printed output; a script error comes back as `error: MESSAGE`.
    @discardableResult
    func run(_ code: String) -> String {
        do {
            try session.run(SourceText(name: "t", text: code))
        } catch let d as Diagnostic {
            return out.take() + "error: " + d.message
        } catch {
            return out.take() + "error: \(error)"
        }
        return out.take()
    }

    /// The tensor an expression evaluates to (nil when it is not a tensor or fails).
    func tensorValue(_ expression: String) -> Tensor? {
        run("__probe = " + expression)
        return tensor("__probe")
    }

    /// The tensor held by variable `name`.
    func tensor(_ name: String) -> Tensor? {
        guard case .host(let object as TensorObject)? = session.globals.get(name) else { return nil }
        return object.tensor
    }
}

/// What `code` printed in a fresh session (or `error: MESSAGE`).
func run(_ code: String) -> String { Snippet().run(code) }

/// What `print(expression)` shows, without the trailing newline.
func show(_ expression: String, setup: String = "") -> String {
    var text = Snippet().run(setup + "\nprint(\(expression))")
    if text.hasSuffix("\n") { text.removeLast() }
    return text
}

/// The error message `code` stops with, or "no error".
func failure(_ code: String) -> String {
    let text = Snippet().run(code)
    guard let r = text.range(of: "error: ") else { return "no error" }
    return String(text[r.upperBound...])
}

/// A fresh temporary folder for one test.
func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "distill-bindings-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
