// Running a notebook: every ```dd cell in order in one session, each cell's output written
// below it, pictures linked; `--check` compares with the outputs already in the file.
import Foundation
import Script

/// Runs, rewrites and checks Markdown notebooks.
public struct NotebookRunner {
    public let session: Session
    /// Where notes and diagnostics go besides the cell outputs (standard error).
    public let log: OutputWriter

    public init(session: Session, log: OutputWriter = StandardError()) {
        self.session = session
        self.log = log
    }

    /// The result of running a notebook's cells.
    public struct Result {
        public let document: NotebookDocument
        /// The first non-ok outcome and the cell (1-based) where it happened.
        public let failure: (outcome: CommandRunner.Outcome, cell: Int)?
    }

    /// Runs every cell of `document` from a notebook at `path` (used to name errors and to
    /// place pictures in `STEM.files/` beside it).
    public func run(_ document: NotebookDocument, path: String) -> Result {
        let directory = (path as NSString).deletingLastPathComponent
        session.artifactDirectory = (directory.isEmpty ? "" : directory + "/") + document.stem + ".files"
        session.echoesExpressions = true
        session.stopsAtStatementOnInterrupt = true
        let buffer = OutputBuffer()
        session.output = buffer
        let runner = CommandRunner(session: session, errors: buffer)
        var parts: [NotebookDocument.Part] = []
        var failure: (CommandRunner.Outcome, Int)? = nil
        var index = 0
        for part in document.parts {
            guard case .cell(var cell) = part else { parts.append(part); continue }
            index += 1
            cell.output = nil
            cell.images = []
            if failure == nil {
                session.clearInterrupt()
                _ = session.takeArtifacts()
                let outcome = runner.run(SourceText(name: path, text: cell.code, firstLine: cell.firstLine))
                var text = buffer.take()
                if text.hasSuffix("\n") { text.removeLast() }
                cell.output = text.isEmpty ? nil : text
                cell.images = session.takeArtifacts().map { link($0, directory: directory, stem: document.stem) }
                if outcome != .ok {
                    failure = (outcome, index)
                    log.write("\(path): cell \(index) (line \(cell.firstLine)) failed; later cells were not run\n")
                    if let text = cell.output { log.write(text + "\n") }
                }
            }
            parts.append(.cell(cell))
        }
        session.clearInterrupt()
        return Result(document: NotebookDocument(parts: parts, stem: document.stem),
                      failure: failure.map { (outcome: $0.0, cell: $0.1) })
    }

    /// A Markdown picture link to an artifact, relative to the notebook's folder when inside it.
    func link(_ artifact: Session.Artifact, directory: String, stem: String) -> String {
        var path = artifact.path
        let prefix = directory.isEmpty ? "" : directory + "/"
        if !prefix.isEmpty, path.hasPrefix(prefix) { path.removeFirst(prefix.count) }
        return "![\(artifact.caption)](\(path))"
    }

    /// Cells whose output (ignoring `~` volatile figures) or pictures differ, as report lines.
    public static func differences(old: NotebookDocument, new: NotebookDocument) -> [String] {
        var report: [String] = []
        for (i, (a, b)) in zip(old.cells, new.cells).enumerated() {
            let before = Volatile.normalise(a.output ?? ""), after = Volatile.normalise(b.output ?? "")
            if before != after || a.images != b.images {
                report.append("cell \(i + 1) (line \(a.firstLine)) differs:\n--- expected\n\(a.output ?? "(no output)")\n--- actual\n\(b.output ?? "(no output)")")
            }
        }
        return report
    }

    /// `distill notebook PATH [--check] [--out OUT]`: returns the exit status.
    public func runFile(_ path: String, check: Bool, outPath: String?) -> Int32 {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            log.write("distill: cannot open '\(path)' (\(FileManager.default.fileExists(atPath: path) ? "not readable as UTF-8 text" : "no such file"))\n")
            return ExitStatus.noInput
        }
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let old = NotebookDocument.parse(text, stem: stem)
        let result = run(old, path: path)
        if let target = outPath ?? (check ? nil : path) {
            do {
                try result.document.render().write(toFile: target, atomically: true, encoding: .utf8)
            } catch {
                log.write("distill: cannot write '\(target)': \(error.localizedDescription)\n")
                return ExitStatus.noInput
            }
        }
        if check {
            let report = NotebookRunner.differences(old: old, new: result.document)
            if !report.isEmpty {
                log.write("\(path): \(report.count) of \(old.cells.count) cells differ\n" + report.joined(separator: "\n") + "\n")
                return ExitStatus.checkFailed
            }
            if let failure = result.failure, failure.outcome == .interrupted { return ExitStatus.interrupted }
            log.write("\(path): \(old.cells.count) cells, outputs unchanged\n")
            return ExitStatus.ok
        }
        if result.failure == nil { log.write("\(outPath ?? path): ran \(old.cells.count) cells\n") }
        return result.failure?.outcome.status ?? ExitStatus.ok
    }
}
