import Foundation

/// The layout of a local cluster before it starts: node ids 1...N, client ports counting up from the
/// base port, a data directory and a log file per broker under the cluster directory, and the command
/// line of each broker. Pure, so the argument and port rules are testable without processes.
public struct ClusterPlan: Sendable, Hashable {
    /// Where `gregor cluster` keeps a cluster unless `--dir` says otherwise (relative to the working directory).
    public static let defaultDirectory = ".gregor/cluster"
    /// The largest cluster `up` starts (each broker is a process with its own event loops).
    public static let maximumBrokers = 32
    /// Brokers listen on loopback only.
    public static let host = "127.0.0.1"

    /// Absolute path of the cluster directory.
    public let directory: String
    public let brokers: Int
    public let basePort: Int
    /// Broker configs every broker gets (`--set key=value`), e.g. a shorter `broker.session.timeout.ms`.
    public let settings: [String]

    /// Checks the counts, ports and settings; `directory` may be relative (to the working directory).
    public init(brokers: Int, basePort: Int, directory: String, settings: [String] = []) throws(ClusterError) {
        guard (1...Self.maximumBrokers).contains(brokers) else {
            throw ClusterError("--brokers must be between 1 and \(Self.maximumBrokers), got \(brokers)")
        }
        guard (1...65535).contains(basePort) else { throw ClusterError("--port must be between 1 and 65535, got \(basePort)") }
        guard basePort + brokers - 1 <= 65535 else {
            throw ClusterError("\(brokers) brokers from port \(basePort) need ports up to \(basePort + brokers - 1), past 65535; use a lower --port")
        }
        guard !directory.isEmpty else { throw ClusterError("--dir must not be empty") }
        for setting in settings where !setting.contains("=") || setting.hasPrefix("=") {
            throw ClusterError("--set takes key=value, got \"\(setting)\"")
        }
        self.settings = settings
        self.brokers = brokers
        self.basePort = basePort
        self.directory = Self.absolute(directory)
    }

    /// `path` made absolute against the working directory, with `.` and `..` resolved.
    public static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    public var nodeIds: [Int32] { (1...brokers).map { Int32($0) } }

    /// The client port of `nodeId`: the base port for node 1, one more for each next node.
    public func port(of nodeId: Int32) -> Int { basePort + Int(nodeId) - 1 }

    public var clusterFilePath: String { ClusterFile.path(in: directory) }

    public func dataDirectory(of nodeId: Int32) -> String { (directory as NSString).appendingPathComponent("broker-\(nodeId)") }

    public func logFile(of nodeId: Int32) -> String { (directory as NSString).appendingPathComponent("broker-\(nodeId).log") }

    /// `127.0.0.1:9092,127.0.0.1:9093,...`
    public var bootstrap: String { nodeIds.map { "\(Self.host):\(port(of: $0))" }.joined(separator: ",") }

    /// `1@127.0.0.1:9092,2@127.0.0.1:9093,...`: every broker is a voter of the metadata quorum.
    public var controllerVoters: String { nodeIds.map { "\($0)@\(Self.host):\(port(of: $0))" }.joined(separator: ",") }

    /// The command line that runs broker `nodeId` with `executable` (the gregor binary).
    public func command(of nodeId: Int32, executable: String) -> [String] {
        [
            executable, "broker", "--node-id", String(nodeId), "--listen", "\(Self.host):\(port(of: nodeId))",
            "--data-dir", dataDirectory(of: nodeId), "--controller-voters", controllerVoters,
            "--cluster-file", clusterFilePath,
        ] + settings.flatMap { ["--set", $0] }
    }

    /// The cluster file for this plan, marked running, before any broker has a pid.
    public func clusterFile(executable: String) -> ClusterFile {
        ClusterFile(
            state: .running, bootstrap: bootstrap, controllerVoters: controllerVoters,
            brokers: nodeIds.map { id in
                ClusterNode(
                    nodeId: id, host: Self.host, port: port(of: id), dataDir: dataDirectory(of: id), logFile: logFile(of: id),
                    command: command(of: id, executable: executable))
            })
    }
}
