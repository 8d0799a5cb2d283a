/// `gregor cluster down`: marks the cluster stopped in its cluster file, then stops every broker the
/// file recorded (SIGTERM, up to 15 s, then SIGKILL) and reports what happened to each.
///
/// The cluster file stays (state `stopped`, no pids) so that `status` still shows the layout and `up`
/// starts the same cluster again on its data. Marking it first means that a `down` interrupted halfway
/// still ends the brokers: each one's orphan guard sees the mark and stops itself.
public struct ClusterStopper: Sendable {
    /// What happened to one broker.
    public struct Outcome: Sendable {
        public var node: ClusterNode
        /// The pid it had, if the file recorded one.
        public var pid: Int32?
        public var result: BrokerProcess.StopResult

        /// One line for the report.
        public var line: String {
            let who = "broker \(node.nodeId)" + (pid.map { " (pid \($0))" } ?? "")
            switch result {
            case .stopped(let took): return "\(who): stopped cleanly in \(took.text)"
            case .killed: return "\(who): did not stop within \(BrokerProcess.stopGrace.text) of SIGTERM; killed with SIGKILL"
            case .notRunning: return "broker \(node.nodeId): was not running"
            case .survived: return "\(who): still alive after SIGKILL"
            }
        }
    }

    public let directory: ClusterDirectory

    public init(directory: ClusterDirectory) { self.directory = directory }

    /// Stops the cluster; nil when the file already said stopped (nothing is signalled then).
    public func stop() async throws -> [Outcome]? {
        try await directory.withLock {
            let file = try directory.load()
            guard file.state == .running else { return nil }
            let processes = file.brokers.map { node in BrokerProcess(node) }
            var stopped = file
            stopped.state = .stopped
            for var node in stopped.brokers {
                node.pid = nil
                stopped.update(node)
            }
            try stopped.save(to: directory.filePath)
            let live = processes.compactMap { $0 }
            let results = await BrokerProcess.stop(live)
            let byPid = Dictionary(zip(live.map(\.pid), results), uniquingKeysWith: { first, _ in first })
            return file.brokers.map { node in
                Outcome(node: node, pid: node.pid, result: node.pid.flatMap { byPid[$0] } ?? .notRunning)
            }
        }
    }
}
