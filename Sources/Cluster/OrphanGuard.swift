/// The rule by which a broker started by `gregor cluster` decides, from its cluster file, that it has
/// been left behind and must stop: the file is gone, marks the cluster stopped, or no longer lists this
/// process's pid. The broker's watcher thread (`ClusterFileWatch` in gregor) reads the file and asks
/// this; time comes in as an argument, so the rule is testable.
public struct OrphanGuard: Sendable {
    /// What the watcher should do after a look at the file.
    public enum Verdict: Sendable, Hashable {
        case keepRunning
        /// Stop now, for this reason (one line for the broker's log).
        case stop(String)
    }

    /// What the watcher found at the cluster file's path.
    public enum Observation: Sendable {
        case missing
        /// The file exists but could not be read or decoded (perhaps being replaced): no verdict on it.
        case unreadable
        case file(ClusterFile)
    }

    /// How long a new broker waits for the launcher to record its pid (it is spawned before the pid is known).
    public static let defaultGrace: Duration = .seconds(30)

    public let pid: Int32
    public let path: String
    private let grace: Duration
    private var listed = false

    public init(pid: Int32, path: String, grace: Duration = Self.defaultGrace) {
        self.pid = pid
        self.path = path
        self.grace = grace
    }

    /// The verdict on one look at the file, `elapsed` after the broker started watching.
    public mutating func check(_ observation: Observation, elapsed: Duration) -> Verdict {
        switch observation {
        case .missing:
            return .stop("the cluster file \(path) is gone")
        case .unreadable:
            return .keepRunning
        case .file(let file):
            if file.state != .running { return .stop("the cluster file \(path) marks the cluster \(file.state.rawValue)") }
            if file.listsRunning(pid: pid) {
                listed = true
                return .keepRunning
            }
            if listed { return .stop("the cluster file \(path) no longer lists this broker (pid \(pid))") }
            if elapsed > grace { return .stop("the cluster file \(path) has not listed this broker (pid \(pid)) within \(grace.text)") }
            return .keepRunning
        }
    }
}
