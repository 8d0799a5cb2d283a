import Foundation

/// `gregor fault kill|restart|pause|resume NODE`: real signals to one broker process of a local cluster.
///
/// kill is SIGKILL (a crash: no shutdown, no checkpoints) and returns once the process is gone; restart
/// starts the broker again with its recorded command line on its data (stopping it cleanly first if it
/// runs) and waits until its port answers; pause and resume are SIGSTOP and SIGCONT (the process keeps
/// its sockets, so clients connect but get no answers: a hung broker). Every method returns the line to
/// print and fails with a line that says what to do.
public struct ProcessFaults: Sendable {
    public let directory: ClusterDirectory

    public init(directory: ClusterDirectory) { self.directory = directory }

    public func kill(_ nodeId: Int32) async throws -> String {
        try await directory.withLock {
            var (file, node, process) = try running(nodeId, action: "kill")
            guard process.send(SIGKILL) else { throw notRunning(nodeId, action: "kill") }
            guard await process.waitUntilGone(timeout: .seconds(10)) else {
                throw ClusterError("broker \(nodeId) (pid \(process.pid)) is still there 10s after SIGKILL")
            }
            node.pid = nil
            file.update(node)
            try file.save(to: directory.filePath)
            return "killed broker \(nodeId) (pid \(process.pid)) with SIGKILL; start it again with `gregor fault restart \(nodeId)\(directory.dirOption)`"
        }
    }

    public func pause(_ nodeId: Int32) async throws -> String {
        let (_, _, process) = try running(nodeId, action: "pause")
        guard process.state == .running else {
            throw ClusterError("broker \(nodeId) is already paused: resume it with `gregor fault resume \(nodeId)\(directory.dirOption)`")
        }
        guard process.send(SIGSTOP), await process.waitUntil(.paused, timeout: .seconds(5)) else {
            throw ClusterError("broker \(nodeId) (pid \(process.pid)) did not stop on SIGSTOP")
        }
        return "paused broker \(nodeId) (pid \(process.pid)) with SIGSTOP: it accepts connections but answers nothing; "
            + "resume it with `gregor fault resume \(nodeId)\(directory.dirOption)`"
    }

    public func resume(_ nodeId: Int32) async throws -> String {
        let (_, _, process) = try running(nodeId, action: "resume")
        guard process.state == .paused else { throw ClusterError("broker \(nodeId) is not paused (it is running)") }
        guard process.send(SIGCONT), await process.waitUntil(.running, timeout: .seconds(5)) else {
            throw ClusterError("broker \(nodeId) (pid \(process.pid)) did not continue on SIGCONT")
        }
        return "resumed broker \(nodeId) (pid \(process.pid)) with SIGCONT"
    }

    /// Stops the broker cleanly if it runs, starts it again on its data, and waits up to `timeout` for its port to answer.
    public func restart(_ nodeId: Int32, timeout: Duration, progress: @Sendable (String) -> Void) async throws -> String {
        let node = try await directory.withLock {
            var file = try directory.loadRunning()
            var node = try directory.node(nodeId, in: file)
            if let process = BrokerProcess(node), process.state != .stopped {
                progress("broker \(nodeId) (pid \(process.pid)) runs: stopping it first (SIGTERM)")
                if await process.stop() == .survived {
                    throw ClusterError("broker \(nodeId) (pid \(process.pid)) survived SIGKILL; cannot restart it")
                }
            }
            ProcessLauncher.appendLine("=== gregor fault restart, \(Date()): \(node.command.joined(separator: " "))", to: node.logFile)
            node.pid = try ProcessLauncher.launch(node.command, appendingOutputTo: node.logFile)
            file.update(node)
            try file.save(to: directory.filePath)
            progress("broker \(nodeId): started on \(node.address), pid \(node.pid ?? -1); waiting for it to answer...")
            return node
        }
        switch await StartupWait(timeout: timeout, expecting: nil).wait(for: [node]) {
        case .ready:
            return "restarted broker \(nodeId) (pid \(node.pid ?? -1)), answering on \(node.address)"
        case .exited(_, let ending):
            let last = ProcessLauncher.lastLine(of: node.logFile).map { ": \($0)" } ?? ""
            throw ClusterError("broker \(nodeId) \(ending) after the restart\(last) (log: \(node.logFile))")
        case .timedOut(let pending):
            let detail = pending.first.map { StartupWait.describe($0.0, $0.1) } ?? ""
            throw ClusterError(
                "broker \(nodeId) (pid \(node.pid ?? -1)) did not answer within \(timeout.text): \(detail); it still runs, see \(node.logFile)")
        }
    }

    /// The broker's entry and process, failing when the cluster is stopped, the node unknown or its process gone.
    private func running(_ nodeId: Int32, action: String) throws(ClusterError) -> (ClusterFile, ClusterNode, BrokerProcess) {
        let file = try directory.loadRunning()
        let node = try directory.node(nodeId, in: file)
        guard let process = BrokerProcess(node), process.state != .stopped else { throw notRunning(nodeId, action: action) }
        return (file, node, process)
    }

    private func notRunning(_ nodeId: Int32, action: String) -> ClusterError {
        ClusterError("cannot \(action) broker \(nodeId): it is not running (already stopped); start it with `gregor fault restart \(nodeId)\(directory.dirOption)`")
    }
}
