import Faults
import Foundation
import NIOHTTP1

/// The network and disk faults of a local cluster's brokers (`gregor fault isolate|heal|latency|drop|
/// slow-disk|disk-full|list`): read and set through each broker's admin endpoint while it runs, and in
/// its data directory's `faults.json` while it is stopped, so they hold when it starts again.
public struct BrokerFaultControl: Sendable {
    public let directory: ClusterDirectory

    public init(directory: ClusterDirectory) { self.directory = directory }

    /// One broker's faults and process state, for `fault list`.
    public struct NodeFaults: Sendable {
        public var nodeId: Int32
        public var state: BrokerProcess.State
        /// Nil when they could not be read (`problem` says why).
        public var settings: FaultSettings?
        public var problem: String?
    }

    /// The faults of broker `nodeId`.
    public func settings(of nodeId: Int32) async throws -> FaultSettings {
        let file = try directory.loadRunning()
        return try await read(try directory.node(nodeId, in: file))
    }

    /// Changes broker `nodeId`'s faults with `change` and returns what it suffers now.
    @discardableResult
    public func change(_ nodeId: Int32, _ change: @Sendable (inout FaultSettings) throws -> Void) async throws -> FaultSettings {
        try await directory.withLock {
            let file = try directory.loadRunning()
            let node = try directory.node(nodeId, in: file)
            var settings = try await read(node)
            try change(&settings)
            try settings.validate()
            return try await write(settings, to: node)
        }
    }

    /// Every broker's faults, process state first.
    public func list() async throws -> [NodeFaults] {
        let file = try directory.loadRunning()
        var result: [NodeFaults] = []
        for node in file.brokers {
            let state = BrokerProcess(node)?.state ?? .stopped
            do {
                result.append(NodeFaults(nodeId: node.nodeId, state: state, settings: try await read(node)))
            } catch {
                result.append(NodeFaults(nodeId: node.nodeId, state: state, problem: "\(error)"))
            }
        }
        return result
    }

    /// Every broker's node id.
    public func nodeIds() throws -> [Int32] { try directory.loadRunning().brokers.map(\.nodeId) }

    private func read(_ node: ClusterNode) async throws -> FaultSettings {
        switch BrokerProcess(node)?.state ?? .stopped {
        case .stopped:
            return try FaultSettingsFile.load(fromDataDirectory: node.dataDir)
        case .paused:
            throw paused(node)
        case .running:
            let answer = try await ask(node, .GET)
            return try FaultSettingsFile.decode(Data(answer.body.utf8))
        }
    }

    private func write(_ settings: FaultSettings, to node: ClusterNode) async throws -> FaultSettings {
        switch BrokerProcess(node)?.state ?? .stopped {
        case .stopped:
            try FaultSettingsFile.save(settings, toDataDirectory: node.dataDir)
            return settings
        case .paused:
            throw paused(node)
        case .running:
            let body = String(decoding: try FaultSettingsFile.encode(settings), as: UTF8.self)
            let answer = try await ask(node, .PUT, body: body)
            return try FaultSettingsFile.decode(Data(answer.body.utf8))
        }
    }

    /// Sends one request to the broker's `/faults`; anything but 200 is a `ClusterError` saying why.
    private func ask(_ node: ClusterNode, _ method: HTTPMethod, body: String? = nil) async throws -> AdminEndpointClient.Response {
        let endpoint = try endpoint(node)
        let answer: AdminEndpointClient.Response
        do {
            answer = try await endpoint.send(method, "/faults", body: body)
        } catch {
            throw ClusterError("cannot reach broker \(node.nodeId)'s admin endpoint at \(endpoint.host):\(endpoint.port): \(error)")
        }
        guard answer.status == 200 else { throw refused(node, answer) }
        return answer
    }

    private func endpoint(_ node: ClusterNode) throws(ClusterError) -> AdminEndpointClient {
        guard let port = node.adminPort else {
            throw ClusterError(
                "broker \(node.nodeId) has no admin endpoint (the cluster was started by an older gregor); "
                    + "restart the cluster with `gregor cluster down\(directory.dirOption)` and `gregor cluster up\(directory.dirOption)`")
        }
        return AdminEndpointClient(host: node.host, port: port)
    }

    private func paused(_ node: ClusterNode) -> ClusterError {
        ClusterError("broker \(node.nodeId) is paused and answers nothing; resume it first: `gregor fault resume \(node.nodeId)\(directory.dirOption)`")
    }

    private func refused(_ node: ClusterNode, _ answer: AdminEndpointClient.Response) -> ClusterError {
        ClusterError("broker \(node.nodeId)'s admin endpoint answered \(answer.status): \(answer.body.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
}
