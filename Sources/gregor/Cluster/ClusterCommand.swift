import ArgumentParser
import Cluster
import Faults
import Foundation

/// `gregor cluster`: a local cluster of broker processes on loopback ports, recorded in a cluster file
/// (docs/cluster.md).
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Start, inspect and stop a local cluster of brokers.",
        discussion: """
            Example:
              gregor cluster up --brokers 3
              gregor cluster status
              gregor cluster down
            """,
        subcommands: [ClusterUp.self, ClusterStatus.self, ClusterDown.self])
}

/// `--dir`: where a local cluster lives, shared by `cluster` and `fault` commands.
struct ClusterDirectoryOption: ParsableArguments {
    @Option(name: .long, help: "The cluster's directory: cluster.json, broker logs and data dirs.")
    var dir: String = ClusterPlan.defaultDirectory

    var directory: ClusterDirectory { ClusterDirectory(dir) }
}

/// Progress lines go to stderr, so that stdout carries only a command's result (`cluster up` prints the bootstrap list).
func printProgress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Runs a cluster operation, turning its errors into the command's one-line failure.
func clusterOperation<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ClusterError {
        throw CommandFailure(error.message)
    } catch let error as FaultSettingsError {
        throw CommandFailure(error.description)
    }
}

