import Foundation

/// A cluster directory as every command after `up` finds it: its cluster file (with a clear error when
/// there is none), its lock, and the `--dir` to repeat in hints.
public struct ClusterDirectory: Sendable, Hashable {
    /// Absolute path.
    public let path: String

    public init(_ path: String) { self.path = ClusterPlan.absolute(path) }

    public var filePath: String { ClusterFile.path(in: path) }

    /// ` --dir PATH` when this is not the default directory, for commands suggested in messages.
    public var dirOption: String {
        path == ClusterPlan.absolute(ClusterPlan.defaultDirectory) ? "" : " --dir \(path)"
    }

    /// The cluster file, or nil when there is none.
    public func loadIfPresent() throws(ClusterError) -> ClusterFile? { try ClusterFile.load(from: filePath) }

    /// The cluster file; fails with what to do when there is none.
    public func load() throws(ClusterError) -> ClusterFile {
        guard let file = try loadIfPresent() else {
            throw ClusterError("no cluster in \(path) (no \(ClusterFile.fileName)): start one with `gregor cluster up\(dirOption)`")
        }
        return file
    }

    /// The cluster file of a cluster that should be running; fails when it was stopped.
    public func loadRunning() throws(ClusterError) -> ClusterFile {
        let file = try load()
        guard file.state == .running else {
            throw ClusterError("the cluster in \(path) is stopped: start it with `gregor cluster up\(dirOption)`")
        }
        return file
    }

    /// The broker `nodeId` of `file`; fails naming the cluster's nodes when there is no such broker.
    public func node(_ nodeId: Int32, in file: ClusterFile) throws(ClusterError) -> ClusterNode {
        guard let node = file.node(nodeId) else {
            let ids = file.brokers.map { String($0.nodeId) }.joined(separator: ", ")
            throw ClusterError("no broker \(nodeId) in the cluster in \(path); its brokers are \(ids)")
        }
        return node
    }

    /// The brokers of `file` whose recorded pid still runs that broker.
    public func liveBrokers(in file: ClusterFile) -> [(node: ClusterNode, process: BrokerProcess)] {
        file.brokers.compactMap { node in
            guard let process = BrokerProcess(node), process.state != .stopped else { return nil }
            return (node, process)
        }
    }

    /// Creates the directory (and its parents) if needed.
    public func create() throws(ClusterError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ClusterError("cannot create \(path): \(error.localizedDescription)")
        }
    }

    /// Runs `body` holding the directory's lock (see `ClusterLock`).
    public func withLock<T>(_ body: () async throws -> T) async throws -> T {
        try await ClusterLock.withLock(directory: path, body)
    }
}
