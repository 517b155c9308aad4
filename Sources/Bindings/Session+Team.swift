// The ranks a session's heavy builtins split their work across (docs/scale-out.md): the
// process's MPI world by default, a world of one without MPI; tests hang a local group of
// thread ranks on a session instead.
import Cluster
import Script

final class TeamAttachment {
    let team: Communicator
    init(_ team: Communicator) { self.team = team }
}

extension Session {
    /// The ranks this session shares its work with.
    public var team: Communicator {
        get { attachment(TeamAttachment.self)?.team ?? World.shared }
        set { setAttachment(TeamAttachment(newValue), for: TeamAttachment.self) }
    }
}

extension CallContext {
    public var team: Communicator { session.team }
}
