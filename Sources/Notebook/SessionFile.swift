// `distill --session PATH`: the session file a front end opens at start (or creates) and saves
// after every command that changed a variable or the seed, so a crash loses at most the
// command that was running. The saving itself is Bindings' Session.save.
import Bindings
import Foundation
import Persistence
import Script

/// Keeps one session in step with its file.
public final class SessionFile {
    public let path: String
    let session: Session
    let errors: OutputWriter
    /// How the file is written (tests inject faults).
    public var writer = AtomicWriter()
    private var savedStamp: Session.StateStamp?

    public init(path: String, session: Session, errors: OutputWriter) {
        self.path = path
        self.session = session
        self.errors = errors
    }

    /// Loads the file if it exists, else creates it (so an unwritable place is found at once).
    /// Returns false, after saying why, when the file cannot be used; the front end then stops
    /// rather than overwrite a file it could not read.
    public func open() -> Bool {
        do {
            if FileManager.default.fileExists(atPath: path) {
                for (name, reason) in try session.load(from: path) {
                    errors.write("distill: left out '\(name)': \(reason)\n")
                }
            } else {
                try save()
            }
            savedStamp = session.stateStamp
            return true
        } catch {
            errors.write("distill: cannot use session file: \(error)\n")
            return false
        }
    }

    /// Saves when a command since the last save changed state. A failed save is reported and
    /// the session goes on; the previous file is untouched.
    public func saveIfChanged() {
        guard session.stateStamp != savedStamp else { return }
        do {
            try save()
        } catch {
            errors.write("distill: the session was not saved: \(error)\n")
        }
    }

    /// Whether the file holds the session's current state.
    public var isSaved: Bool { session.stateStamp == savedStamp }

    func save() throws {
        for (name, reason) in try session.save(to: path, writer: writer) {
            errors.write("distill: '\(name)' is not in the session file: \(reason)\n")
        }
        savedStamp = session.stateStamp
    }
}
