/// The cluster file (`DIR/cluster.json`): what `gregor cluster up` started, so that later commands
/// (`status`, `down`, `fault`) and the brokers' orphan guard find the same processes.
///
/// It is the only record of which pids belong to the cluster: nothing is ever signalled unless this file
/// names its pid (and `/proc` confirms the process is that broker, see `BrokerProcess`).
public struct ClusterFile: Codable, Sendable, Hashable {
    /// Whether the cluster is meant to run. Brokers watching the file stop when it says `stopped`.
    public enum State: String, Codable, Sendable, Hashable {
        case running, stopped
    }

    /// The format's version; readers refuse files newer than they know.
    public static let currentVersion = 1
    /// Its name inside the cluster directory.
    public static let fileName = "cluster.json"

    public var version: Int
    public var state: State
    /// The client bootstrap list, `127.0.0.1:9092,127.0.0.1:9093,...`.
    public var bootstrap: String
    /// The `--controller-voters` every broker was started with.
    public var controllerVoters: String
    /// The brokers in node id order.
    public var brokers: [ClusterNode]

    public init(state: State, bootstrap: String, controllerVoters: String, brokers: [ClusterNode]) {
        self.version = Self.currentVersion
        self.state = state
        self.bootstrap = bootstrap
        self.controllerVoters = controllerVoters
        self.brokers = brokers.sorted { $0.nodeId < $1.nodeId }
    }

    /// The broker with `nodeId`, if the cluster has one.
    public func node(_ nodeId: Int32) -> ClusterNode? { brokers.first { $0.nodeId == nodeId } }

    /// Replaces the entry of `node.nodeId`.
    public mutating func update(_ node: ClusterNode) {
        guard let index = brokers.firstIndex(where: { $0.nodeId == node.nodeId }) else { return }
        brokers[index] = node
    }

    /// Whether the file lists `pid` as a running broker (what the orphan guard asks).
    public func listsRunning(pid: Int32) -> Bool {
        state == .running && brokers.contains { $0.pid == pid }
    }
}

/// One broker of a local cluster as the cluster file records it: where it listens, its data and log,
/// the exact command line it runs (so a restart repeats it) and its pid while it runs.
public struct ClusterNode: Codable, Sendable, Hashable {
    public var nodeId: Int32
    public var host: String
    public var port: Int
    /// Its admin endpoint's port (`/metrics`, `/faults`); nil in files written before brokers had one.
    public var adminPort: Int?
    /// The broker's pid while it runs; nil once it was stopped or killed through Gregor.
    public var pid: Int32?
    /// Absolute path of its data directory.
    public var dataDir: String
    /// Absolute path of the file its stdout and stderr are appended to.
    public var logFile: String
    /// Its argv; `command[0]` is the gregor executable.
    public var command: [String]

    public init(
        nodeId: Int32, host: String, port: Int, adminPort: Int? = nil, pid: Int32? = nil, dataDir: String, logFile: String, command: [String]
    ) {
        self.nodeId = nodeId
        self.host = host
        self.port = port
        self.adminPort = adminPort
        self.pid = pid
        self.dataDir = dataDir
        self.logFile = logFile
        self.command = command
    }

    /// `host:port`.
    public var address: String { "\(host):\(port)" }
}
