import Foundation
import KafkaClient

/// Waits, within a time limit, for freshly started brokers to answer on their ports, and notices at once
/// when one of them exits instead. Used by `cluster up` (all brokers registered and a controller named)
/// and `fault restart` (the port answers Metadata at all).
public struct StartupWait: Sendable {
    /// How a wait ended.
    public enum Outcome: Sendable {
        case ready
        /// A broker's process ended before it was ready: the broker and how it ended.
        case exited(ClusterNode, String)
        /// Time ran out; the brokers that were not ready, each with its last answer or error.
        case timedOut([(ClusterNode, Result<BrokerProbe.Report, KafkaClientError>?)])
    }

    public let timeout: Duration
    /// Node ids every broker must report; nil: any Metadata answer will do.
    public let expecting: [Int32]?

    public init(timeout: Duration, expecting: [Int32]?) {
        self.timeout = timeout
        self.expecting = expecting
    }

    /// Waits for every node in `nodes` (each with the pid it was started with).
    public func wait(for nodes: [ClusterNode]) async -> Outcome {
        let deadline = ContinuousClock.now + timeout
        var pending = nodes
        var last: [Int32: Result<BrokerProbe.Report, KafkaClientError>] = [:]
        while true {
            var stillPending: [ClusterNode] = []
            for node in pending {
                if let ending = Self.ending(of: node) { return .exited(node, ending) }
                let answer = await BrokerProbe.metadata(address: node.address, timeout: .seconds(1))
                last[node.nodeId] = answer
                if case .success(let report) = answer, expecting.map({ report.isReady(expecting: $0) }) ?? true { continue }
                stillPending.append(node)
            }
            pending = stillPending
            if pending.isEmpty { return .ready }
            if ContinuousClock.now >= deadline { return .timedOut(pending.map { ($0, last[$0.nodeId]) }) }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// How the node's process ended ("exited with status 1", "was killed by signal 9"), or nil while it runs.
    static func ending(of node: ClusterNode) -> String? {
        guard let pid = node.pid else { return "has no pid" }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            let signal = status & 0x7f
            return signal == 0 ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(signal)"
        }
        return BrokerProcess(pid: pid, dataDir: node.dataDir).state == .stopped ? "exited" : nil
    }

    /// `broker 2 (127.0.0.1:9093) reports controller none, brokers 2` or `... does not answer (...)`.
    public static func describe(_ node: ClusterNode, _ answer: Result<BrokerProbe.Report, KafkaClientError>?) -> String {
        switch answer {
        case .success(let report)?: "broker \(node.nodeId) (\(node.address)) reports \(report.summary)"
        case .failure(let error)?: "broker \(node.nodeId) (\(node.address)) does not answer (\(shortReason(error)))"
        case nil: "broker \(node.nodeId) (\(node.address)) was not asked"
        }
    }

    /// A client error in a few words: the full text of a failed connect runs to several lines of NIO detail.
    public static func shortReason(_ error: KafkaClientError) -> String {
        switch error.code {
        case .connectionFailed, .brokerNotAvailable:
            error.message.contains("Connection refused") ? "connection refused" : "cannot connect"
        case .requestTimedOut: "no answer in time"
        case .connectionClosed: "connection closed"
        default: error.message
        }
    }
}
