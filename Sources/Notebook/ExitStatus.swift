// The exit codes of the distill executable (sysexits.h where one fits), in one place.

/// Process exit statuses every front end returns.
public enum ExitStatus {
    public static let ok: Int32 = 0
    /// `distill notebook --check` found cells whose output changed.
    public static let checkFailed: Int32 = 1
    /// Bad command line (EX_USAGE).
    public static let usage: Int32 = 64
    /// The script does not parse (EX_DATAERR).
    public static let syntax: Int32 = 65
    /// The input file is missing or unreadable (EX_NOINPUT).
    public static let noInput: Int32 = 66
    /// A runtime error stopped the script (EX_SOFTWARE).
    public static let runtime: Int32 = 70
    /// Stopped by Ctrl-C (128 + SIGINT).
    public static let interrupted: Int32 = 130
}
