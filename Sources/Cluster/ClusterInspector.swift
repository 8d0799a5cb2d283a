import KafkaClient

/// `gregor cluster status`: each recorded broker's process state from `/proc`, what each running broker
/// answers to Metadata (its controller and the brokers it has registered), and the metadata quorum
/// from DescribeQuorum when a broker offers it.
public struct ClusterInspector: Sendable {
    /// One broker as status shows it.
    public struct NodeStatus: Sendable {
        public var node: ClusterNode
        public var state: BrokerProcess.State
        /// Its Metadata answer; nil when it was not asked (it is paused or stopped).
        public var report: Result<BrokerProbe.Report, KafkaClientError>?
    }

    /// The whole picture.
    public struct Status: Sendable {
        public var directory: ClusterDirectory
        public var file: ClusterFile
        public var nodes: [NodeStatus]
        public var quorum: QuorumReport
    }

    public let directory: ClusterDirectory
    /// How long each question to a broker may take.
    public let timeout: Duration

    public init(directory: ClusterDirectory, timeout: Duration = .seconds(2)) {
        self.directory = directory
        self.timeout = timeout
    }

    public func inspect() async throws -> Status {
        let file = try directory.load()
        var nodes: [NodeStatus] = []
        for node in file.brokers {
            let state = BrokerProcess(node)?.state ?? .stopped
            let report = state == .running ? await BrokerProbe.metadata(address: node.address, timeout: timeout) : nil
            nodes.append(NodeStatus(node: node, state: state, report: report))
        }
        let answering = nodes.first { status in
            if case .success? = status.report { return true }
            return false
        }
        let quorum: QuorumReport =
            if let answering { await BrokerProbe.quorum(address: answering.node.address, timeout: timeout) }
            else { .unavailable("no broker answers") }
        return Status(directory: directory, file: file, nodes: nodes, quorum: quorum)
    }
}
