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
    /// Admin port of broker 1 (Prometheus `/metrics`, fault control); broker N gets one more for each node.
    public let adminBasePort: Int
    /// Broker configs every broker gets (`--set key=value`), e.g. a shorter `broker.session.timeout.ms`.
    public let settings: [String]

    /// How far above the client ports the admin ports start unless `--admin-port` says otherwise.
    public static let adminPortOffset = 100

    /// Checks the counts, ports and settings; `directory` may be relative (to the working directory).
    /// Admin ports default to `basePort + adminPortOffset` up (below the client ports near 65535).
    public init(brokers: Int, basePort: Int, adminBasePort: Int? = nil, directory: String, settings: [String] = []) throws(ClusterError) {
        guard (1...Self.maximumBrokers).contains(brokers) else {
            throw ClusterError("--brokers must be between 1 and \(Self.maximumBrokers), got \(brokers)")
        }
        guard (1...65535).contains(basePort) else { throw ClusterError("--port must be between 1 and 65535, got \(basePort)") }
        guard basePort + brokers - 1 <= 65535 else {
            throw ClusterError("\(brokers) brokers from port \(basePort) need ports up to \(basePort + brokers - 1), past 65535; use a lower --port")
        }
        let above = basePort + Self.adminPortOffset
        let adminBasePort = adminBasePort ?? (above + brokers - 1 <= 65535 ? above : basePort - Self.adminPortOffset)
        guard (1...65535).contains(adminBasePort), adminBasePort + brokers - 1 <= 65535 else {
            throw ClusterError("admin ports from \(adminBasePort) for \(brokers) brokers do not fit below 65536; choose --admin-port")
        }
        guard adminBasePort + brokers <= basePort || basePort + brokers <= adminBasePort else {
            throw ClusterError("admin ports \(adminBasePort)-\(adminBasePort + brokers - 1) overlap the client ports; choose another --admin-port")
        }
        self.adminBasePort = adminBasePort
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

    /// The admin endpoint port of `nodeId`.
    public func adminPort(of nodeId: Int32) -> Int { adminBasePort + Int(nodeId) - 1 }

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
            "--cluster-file", clusterFilePath, "--admin", "\(Self.host):\(adminPort(of: nodeId))", "--faults",
        ] + settings.flatMap { ["--set", $0] }
    }

    /// The cluster file for this plan, marked running, before any broker has a pid.
    public func clusterFile(executable: String) -> ClusterFile {
        ClusterFile(
            state: .running, bootstrap: bootstrap, controllerVoters: controllerVoters,
            brokers: nodeIds.map { id in
                ClusterNode(
                    nodeId: id, host: Self.host, port: port(of: id), adminPort: adminPort(of: id), dataDir: dataDirectory(of: id), logFile: logFile(of: id),
                    command: command(of: id, executable: executable))
            })
    }
}
