import ArgumentParser
import Cluster

/// `gregor cluster down`: stops every broker of the cluster and marks its cluster file stopped.
struct ClusterDown: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down", abstract: "Stop the local cluster's brokers (SIGTERM, then SIGKILL after 15 s).",
        discussion: """
            Example:
              gregor cluster down

            The data and logs stay in DIR, and cluster.json is kept, marked stopped: `gregor cluster up` starts
            the cluster again on its data.
            """)

    @OptionGroup var location: ClusterDirectoryOption

    func run() async throws {
        try await clusterOperation {
            let directory = location.directory
            guard let outcomes = try await ClusterStopper(directory: directory).stop() else {
                print("the cluster in \(directory.path) is already stopped")
                return
            }
            for outcome in outcomes { print(outcome.line) }
            let survivors = outcomes.filter { $0.result == .survived }
            guard survivors.isEmpty else {
                throw CommandFailure("broker(s) \(survivors.map { String($0.node.nodeId) }.joined(separator: ", ")) survived SIGKILL")
            }
            print("cluster in \(directory.path) stopped; its data stays there (start it again with `gregor cluster up\(directory.dirOption)`)")
        }
    }
}
