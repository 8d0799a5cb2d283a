import Foundation
import KafkaClient

/// `gregor cluster up`: starts the brokers of a plan as background processes, records them in the
/// cluster file, and waits until every broker answers Metadata with all brokers and a controller.
///
/// Refuses to start over a cluster whose recorded brokers still run. Data directories left by an
/// earlier cluster in the same directory are reused: the brokers recover their logs from them.
public struct ClusterStarter: Sendable {
    public let plan: ClusterPlan
    /// The gregor binary the brokers run.
    public let executable: String
    public let readyTimeout: Duration
    /// Receives a line for each step (the command prints them on stderr).
    public let progress: @Sendable (String) -> Void

    public init(plan: ClusterPlan, executable: String, readyTimeout: Duration, progress: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        self.executable = executable
        self.readyTimeout = readyTimeout
        self.progress = progress
    }

    /// Starts the cluster and waits until it is ready; returns its cluster file.
    public func start() async throws -> ClusterFile {
        let directory = ClusterDirectory(plan.directory)
        try directory.create()
        let file = try await directory.withLock { try launch(in: directory) }
        progress("waiting for the cluster to be ready (at most \(readyTimeout.text))...")
        switch await StartupWait(timeout: readyTimeout, expecting: plan.nodeIds).wait(for: file.brokers) {
        case .ready:
            return file
        case .exited(let node, let ending):
            let last = ProcessLauncher.lastLine(of: node.logFile).map { ": \($0)" } ?? ""
            throw ClusterError(
                "broker \(node.nodeId) \(ending) before the cluster was ready\(last) (log: \(node.logFile)); "
                    + "stop the others with `gregor cluster down\(directory.dirOption)`")
        case .timedOut(let pending):
            throw notReady(pending, directory: directory)
        }
    }

    private func launch(in directory: ClusterDirectory) throws -> ClusterFile {
        if let existing = try directory.loadIfPresent(), existing.state == .running {
            let live = directory.liveBrokers(in: existing)
            if !live.isEmpty {
                let list = live.map { "broker \($0.node.nodeId) (pid \($0.process.pid))" }.joined(separator: ", ")
                throw ClusterError(
                    "a cluster is already running in \(directory.path): \(list); stop it with `gregor cluster down\(directory.dirOption)` or use another --dir")
            }
            progress("the cluster file says running, but none of its brokers is alive: starting them afresh")
        }
        for id in plan.nodeIds where !LoopbackPort.isFree(plan.port(of: id)) {
            throw ClusterError(
                "port \(plan.port(of: id)) (broker \(id)) is in use on 127.0.0.1: is another broker or cluster running? Choose other ports with --port")
        }
        for id in plan.nodeIds where !LoopbackPort.isFree(plan.adminPort(of: id)) {
            throw ClusterError(
                "admin port \(plan.adminPort(of: id)) (broker \(id)) is in use on 127.0.0.1; choose other ports with --admin-port")
        }
        var file = plan.clusterFile(executable: executable)
        try file.save(to: directory.filePath)
        do {
            for var node in file.brokers {
                node.pid = try start(node)
                file.update(node)
                try file.save(to: directory.filePath)
            }
        } catch {
            abandon(file, directory: directory)
            throw error
        }
        return file
    }

    /// Starts one broker (its data directory created or reused) and returns its pid.
    private func start(_ node: ClusterNode) throws -> Int32 {
        let manager = FileManager.default
        if let contents = try? manager.contentsOfDirectory(atPath: node.dataDir), !contents.isEmpty {
            progress("broker \(node.nodeId): reusing the data in \(node.dataDir)")
        }
        do {
            try manager.createDirectory(atPath: node.dataDir, withIntermediateDirectories: true)
        } catch {
            throw ClusterError("cannot create \(node.dataDir): \(error.localizedDescription)")
        }
        ProcessLauncher.appendLine("=== gregor cluster up, \(Date()): \(node.command.joined(separator: " "))", to: node.logFile)
        let pid = try ProcessLauncher.launch(node.command, appendingOutputTo: node.logFile)
        progress("broker \(node.nodeId): started on \(node.address), pid \(pid), log \(node.logFile)")
        return pid
    }

    /// After a failed start: the cluster file marks the cluster stopped and the brokers already started get SIGTERM.
    private func abandon(_ file: ClusterFile, directory: ClusterDirectory) {
        var stopped = file
        stopped.state = .stopped
        for var node in stopped.brokers {
            if let process = BrokerProcess(node) { process.send(SIGTERM) }
            node.pid = nil
            stopped.update(node)
        }
        try? stopped.save(to: directory.filePath)
    }

    private func notReady(
        _ pending: [(ClusterNode, Result<BrokerProbe.Report, KafkaClientError>?)], directory: ClusterDirectory
    ) -> ClusterError {
        let missing = pending.map { "broker \($0.0.nodeId)" }.joined(separator: ", ")
        let details = pending.map { StartupWait.describe($0.0, $0.1) }.joined(separator: "; ")
        let loneBrokers = pending.allSatisfy { node, answer in
            if case .success(let report)? = answer { return report.brokerIds == [node.nodeId] }
            return false
        }
        let why = loneBrokers && plan.brokers > 1 ? " Each broker knows only itself: the metadata quorum has not formed." : ""
        let logs = pending.map(\.0.logFile).joined(separator: ", ")
        return ClusterError(
            "the cluster in \(directory.path) was not ready within \(readyTimeout.text): \(missing) not ready (\(details)).\(why) "
                + "Logs: \(logs). The brokers are still running: see `gregor cluster status\(directory.dirOption)`, "
                + "stop them with `gregor cluster down\(directory.dirOption)`.")
    }
}
