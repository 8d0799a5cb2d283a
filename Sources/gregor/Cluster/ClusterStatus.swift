import ArgumentParser
import Cluster
import KafkaClient

/// `gregor cluster status`: the brokers' processes and what they report about the cluster and its quorum.
struct ClusterStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the local cluster's brokers, controller and metadata quorum.",
        discussion: """
            Example:
              gregor cluster status

            STATE is running, paused (stopped by SIGSTOP: `gregor fault pause`) or stopped. CONTROLLER and
            BROKERS are what each running broker answers to a Metadata request.
            """)

    @OptionGroup var location: ClusterDirectoryOption

    func run() async throws {
        try await clusterOperation {
            let status = try await ClusterInspector(directory: location.directory).inspect()
            print("cluster in \(status.directory.path): \(status.file.state.rawValue), bootstrap \(status.file.bootstrap)")
            var table = TextTable("NODE", "PORT", "PID", "STATE", "CONTROLLER", "BROKERS", "LOG")
            var problems: [String] = []
            for node in status.nodes {
                let (controller, brokers) = Self.reported(node, problems: &problems)
                table.add(
                    String(node.node.nodeId), String(node.node.port), node.state == .stopped ? "-" : node.node.pid.map(String.init) ?? "-",
                    node.state.rawValue, controller, brokers, node.node.logFile)
            }
            print(table.rendered)
            for problem in problems { print(problem) }
            print(Self.quorum(status.quorum))
        }
    }

    private static func reported(_ node: ClusterInspector.NodeStatus, problems: inout [String]) -> (String, String) {
        switch node.report {
        case .success(let report)?:
            return (report.controllerId.map(String.init) ?? "none", report.brokerIds.map(String.init).joined(separator: ","))
        case .failure(let error)?:
            problems.append("broker \(node.node.nodeId) does not answer: \(StartupWait.shortReason(error))")
            return ("?", "?")
        case nil:
            return ("-", "-")
        }
    }

    private static func quorum(_ report: QuorumReport) -> String {
        switch report {
        case .notReported:
            return "quorum: not reported (the brokers do not offer DescribeQuorum)"
        case .unavailable(let reason):
            return "quorum: unknown (\(reason))"
        case .reported(let quorum):
            var table = TextTable("REPLICA", "ROLE", "LOG-END-OFFSET", "LAG")
            for (role, replicas) in [("voter", quorum.voters), ("observer", quorum.observers)] {
                for replica in replicas {
                    let leader = replica.replicaId == quorum.leaderId ? " (leader)" : ""
                    let known = replica.logEndOffset >= 0
                    table.add(
                        String(replica.replicaId), role + leader, known ? String(replica.logEndOffset) : "unknown",
                        known ? String(max(0, quorum.highWatermark - replica.logEndOffset)) : "-")
                }
            }
            let leader = quorum.leaderId.map(String.init) ?? "none"
            return "quorum: leader \(leader), epoch \(quorum.leaderEpoch), high watermark \(quorum.highWatermark)\n" + table.rendered
        }
    }
}
