// Running a notebook: every dd cell in order in one session, each cell's output written
// below it, pictures linked; `--check` compares with the outputs already in the file
// (numbers within a tolerance, OutputComparison.swift).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Persistence
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
    /// With `scratch`, pictures that cells write without a path of their own go to that folder
    /// instead (what `--check` does, so checking changes no file) and are linked as if they were
    /// in `STEM.files/`.
    public func run(_ document: NotebookDocument, path: String, scratch: String? = nil) -> Result {
        let directory = (path as NSString).deletingLastPathComponent
        let artifacts = (directory.isEmpty ? "" : directory + "/") + document.stem + ".files"
        session.artifactDirectory = scratch ?? artifacts
        func linked(_ artifact: Session.Artifact) -> String {
            var path = artifact.path
            if let scratch, path.hasPrefix(scratch + "/") { path = artifacts + path.dropFirst(scratch.count) }
            return link(path: path, caption: artifact.caption, directory: directory)
        }
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
                cell.images = session.takeArtifacts().map(linked)
                if outcome != .ok {
                    failure = (outcome, index)
                    log.write("\(path): cell \(index) (line \(cell.firstLine)) failed; later cells were not run\n")
                    if let text = cell.output { log.write(text + "\n") }
                }
            }
            parts.append(.cell(cell))
        }
        session.clearInterrupt()
        var result = document
        result.parts = parts
        return Result(document: result, failure: failure.map { (outcome: $0.0, cell: $0.1) })
    }

    /// A Markdown picture link to an artifact, relative to the notebook's folder when inside it.
    func link(path: String, caption: String, directory: String) -> String {
        var path = path
        let prefix = directory.isEmpty ? "" : directory + "/"
        if !prefix.isEmpty, path.hasPrefix(prefix) { path.removeFirst(prefix.count) }
        return "![\(caption)](\(path))"
    }

    /// Cells whose output or pictures differ, as report lines. Numbers compare within the
    /// cell's tolerance (its `tolerance=` attribute, else the notebook's, else the standard one),
    /// `~` volatile figures not at all, the rest of the text exactly.
    public static func differences(old: NotebookDocument, new: NotebookDocument) -> [String] {
        var report: [String] = []
        for (i, (a, b)) in zip(old.cells, new.cells).enumerated() {
            let tolerance = a.tolerance ?? old.tolerance ?? .standard
            let difference = tolerance.firstDifference(a.output ?? "", b.output ?? "")
            if difference != nil || a.images != b.images {
                var entry = "cell \(i + 1) (line \(a.firstLine)) differs:\n--- expected\n\(a.output ?? "(no output)")\n--- actual\n\(b.output ?? "(no output)")"
                if let (x, y) = difference, x != "(end)", y != "(end)", OutputComparison.pieces(x).first?.number != nil, OutputComparison.pieces(y).first?.number != nil {
                    entry += "\n--- first difference: \(x) became \(y), beyond the tolerance (\(tolerance))"
                } else if difference == nil {
                    entry += "\n--- the pictures differ:\n\(a.images.joined(separator: "\n"))\n--- now:\n\(b.images.joined(separator: "\n"))"
                }
                report.append(entry)
            }
        }
        return report
    }

    /// `distill notebook PATH [--check] [--out OUT]`: returns the exit status.
    public func runFile(_ path: String, check: Bool, outPath: String?) -> Int32 {
        if check, let outPath {
            log.write("distill: --check does not write the notebook, so --out '\(outPath)' has no meaning; leave one of them out\n")
            return ExitStatus.usage
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            log.write("distill: cannot open '\(path)' (\(FileManager.default.fileExists(atPath: path) ? "not readable as UTF-8 text" : "no such file"))\n")
            return ExitStatus.noInput
        }
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let old = NotebookDocument.parse(text, stem: stem)
        for warning in old.warnings { log.write("\(path): warning: \(warning)\n") }
        if !old.errors.isEmpty {
            for error in old.errors { log.write("\(path): error: \(error)\n") }
            return ExitStatus.syntax
        }
        if old.cells.isEmpty { log.write("\(path): warning: no dd cells (a cell is a fenced block whose info string starts with dd: ```dd)\n") }
        let target = outPath ?? (check ? nil : path)
        if let target, let problem = NotebookRunner.unwritable(target) {
            log.write("distill: cannot write '\(target)': \(problem)\n")
            return outPath != nil ? ExitStatus.usage : ExitStatus.noInput
        }
        // A check writes its pictures to a scratch folder of the same name, removed afterwards.
        let scratchParent = check ? NSTemporaryDirectory() + "distill-check-\(UUID().uuidString)" : nil
        defer { if let scratchParent { try? FileManager.default.removeItem(atPath: scratchParent) } }
        let result = run(old, path: path, scratch: scratchParent.map { $0 + "/" + stem + ".files" })
        if let target {
            do {
                try AtomicWriter().write(Array(result.document.render().utf8), to: target, what: "notebook")
            } catch {
                log.write("distill: \(error)\n")
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

    /// Why the notebook cannot be written at `path` (checked before any cell runs), or nil.
    static func unwritable(_ path: String) -> String? {
        let resolved = resolvingLinks(path)
        var st = stat()
        if stat(resolved, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { return "it is a folder (give a file name, e.g. \((path as NSString).appendingPathComponent("out.md")))" }
            if (st.st_mode & S_IFMT) != S_IFREG { return "it is not a regular file (a device, pipe or socket); notebooks are written to regular files only" }
            if access(resolved, W_OK) != 0 { return "permission denied" }
        }
        let folder = (resolved as NSString).deletingLastPathComponent
        let shown = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        if stat(folder.isEmpty ? "." : folder, &st) != 0 { return "the folder '\(shown)' does not exist" }
        if (st.st_mode & S_IFMT) != S_IFDIR { return "'\(shown)' is not a folder" }
        if access(folder.isEmpty ? "." : folder, W_OK) != 0 { return "the folder '\(shown)' is not writable" }
        return nil
    }

    /// `path` with symbolic links followed (to the file they name, even one not yet there),
    /// so that rewriting a linked notebook writes its target instead of replacing the link.
    static func resolvingLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { return current }
            current = target.hasPrefix("/") ? target : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
        }
        return current
    }
}
