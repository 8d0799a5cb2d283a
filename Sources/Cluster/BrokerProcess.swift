import Foundation

/// A broker process the cluster file recorded, checked against `/proc` before anything is done to it:
/// the pid must still run `gregor broker` with the recorded data directory. A pid that the kernel has
/// since given to another program is never signalled.
public struct BrokerProcess: Sendable, Hashable {
    /// What `status` shows for a broker.
    public enum State: String, Sendable, Hashable {
        /// The process runs (or sleeps, waiting for work).
        case running
        /// Stopped by SIGSTOP (`fault pause`): state `T` in `/proc/PID/stat`. It keeps its sockets but answers nothing.
        case paused
        /// No such process, a zombie, or the pid now belongs to another program.
        case stopped
    }

    public let pid: Int32
    public let dataDir: String

    public init(pid: Int32, dataDir: String) {
        self.pid = pid
        self.dataDir = dataDir
    }

    /// The process of `node`, if the cluster file records a pid for it.
    public init?(_ node: ClusterNode) {
        guard let pid = node.pid else { return nil }
        self.init(pid: pid, dataDir: node.dataDir)
    }

    /// Whether `arguments` (a command line) is `gregor broker ... --data-dir dataDir ...`.
    public static func isBroker(commandLine arguments: [String], dataDir: String) -> Bool {
        guard arguments.count >= 2, arguments[1] == "broker" else { return false }
        var index = 2
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--data-dir", index + 1 < arguments.count {
                return ClusterPlan.absolute(arguments[index + 1]) == ClusterPlan.absolute(dataDir)
            }
            if argument.hasPrefix("--data-dir=") {
                return ClusterPlan.absolute(String(argument.dropFirst("--data-dir=".count))) == ClusterPlan.absolute(dataDir)
            }
            index += 1
        }
        return false
    }

    /// Whether the pid is (still) this broker: alive, not a zombie, and running its command line.
    public var isThisBroker: Bool {
        guard let state = ProcFS.state(of: pid), state != "Z", state != "X" else { return false }
        guard let arguments = ProcFS.commandLine(of: pid) else { return false }
        return Self.isBroker(commandLine: arguments, dataDir: dataDir)
    }

    /// Running, paused or stopped, from `/proc`.
    public var state: State {
        reap()
        guard isThisBroker, let letter = ProcFS.state(of: pid) else { return .stopped }
        return letter == "T" ? .paused : .running
    }

    /// Sends `signal` after checking that the pid is still this broker; false (and nothing sent) if it is not.
    @discardableResult
    public func send(_ signal: Int32) -> Bool {
        guard isThisBroker else { return false }
        return kill(pid, signal) == 0
    }

    /// Collects the exit status if this process is our own child that has ended, so that it does not stay
    /// a zombie while we run. Does nothing for other processes.
    public func reap() {
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
    }

    /// Waits until the process is gone (or no longer this broker); true if it went within `timeout`.
    public func waitUntilGone(timeout: Duration) async -> Bool {
        await waitUntil(timeout: timeout) { state == .stopped }
    }

    /// Waits until `/proc` shows `wanted`; true if it did within `timeout`.
    public func waitUntil(_ wanted: State, timeout: Duration) async -> Bool {
        await waitUntil(timeout: timeout) { state == wanted }
    }

    private func waitUntil(timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if condition() { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
