// The process's world: a world of one for a plain `distill`, MPI's when a launcher started it.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum World {
    /// The world the front ends and builtins use; set once at start-up by `start()`.
    nonisolated(unsafe) public private(set) static var shared: Communicator = Solo()

    /// The environment variables an MPI launcher sets for its processes: Open MPI's `mpirun`
    /// (OMPI_COMM_WORLD_SIZE), PMIx launchers such as `srun --mpi=pmix` (PMIX_RANK), PMI-1/2
    /// ones (PMI_RANK). `DISTILL_MPI=1` forces MPI on (a launcher we do not recognise);
    /// `DISTILL_MPI=0` keeps it off.
    public static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"]

    /// Whether this process was started by an MPI launcher (see `launcherVariables`).
    public static func launchedByMPI(_ environment: [String: String]) -> Bool {
        switch environment["DISTILL_MPI"] {
        case "1": return true
        case "0": return false
        default: return launcherVariables.contains { environment[$0] != nil }
        }
    }

    /// Joins the MPI job when a launcher started this process; otherwise stays a world of one
    /// without touching MPI (a plain `distill` neither loads a launcher nor waits for one).
    public static func start(environment: [String: String]) throws {
        guard launchedByMPI(environment) else { return }
        shared = try MPIWorld()
    }

    /// Ends MPI on a normal exit; nothing for a world of one.
    public static func finish() {
        (shared as? MPIWorld)?.finalize()
    }
}
