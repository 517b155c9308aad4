// The progress sink a session's long operations report to, kept as a session attachment
// so Script stays free of the numeric core. Front ends install their bar here.
import Script
import TensorCore

final class ProgressAttachment {
    let sink: ProgressSink
    init(_ sink: ProgressSink) { self.sink = sink }
}

extension Session {
    /// Where long operations report progress; silent until a front end installs a bar.
    public var progress: ProgressSink {
        get { attachment(ProgressAttachment.self)?.sink ?? SilentProgress() }
        set { setAttachment(ProgressAttachment(newValue), for: ProgressAttachment.self) }
    }
}

extension CallContext {
    /// The session's progress sink (`context.progress.begin("dm", total: 2000)`).
    public var progress: ProgressSink { session.progress }
}
