import KafkaProtocol
import NIOCore

extension ClusterClient {
    /// The open connection to broker `nodeId`, opening it if needed (one per broker, shared). Fetches
    /// metadata first when the broker is not known yet.
    public func connection(to nodeId: Int32) async throws -> BrokerConnection {
        if nodeId >= 0, metadata.brokers[nodeId] == nil { try await refreshMetadata(topics: []) }
        return try await openConnection(to: nodeId)
    }

    private func openConnection(to nodeId: Int32) async throws -> BrokerConnection {
        enum Lookup {
            case ready(BrokerConnection)
            case pending(Task<BrokerConnection, any Error>)
        }
        let lookup = try state.withLock { state throws(KafkaClientError) -> Lookup in
            guard !state.closed else { throw KafkaClientError(.closed, "the client is closed") }
            if let ready = state.ready[nodeId] {
                if ready.isActive { return .ready(ready) }
                state.ready[nodeId] = nil
                state.connecting[nodeId] = nil
            }
            if let task = state.connecting[nodeId] { return .pending(task) }
            guard let address = address(of: nodeId, in: state.metadata) else {
                throw KafkaClientError(.brokerNotAvailable, "broker \(nodeId) is not in the cluster metadata")
            }
            let configuration = self.configuration
            let task = Task { try await BrokerConnection.connect(to: address, configuration: configuration) }
            state.connecting[nodeId] = task
            return .pending(task)
        }
        switch lookup {
        case .ready(let connection): return connection
        case .pending(let task):
            do {
                let connection = try await task.value
                remember(connection, nodeId: nodeId, task: task)
                return connection
            } catch {
                state.withLock { state in if state.connecting[nodeId] == task { state.connecting[nodeId] = nil } }
                throw error
            }
        }
    }

    /// The connection to `nodeId` if it is open now; never waits.
    public func cachedConnection(to nodeId: Int32) -> BrokerConnection? {
        state.withLock { state in state.ready[nodeId].flatMap { $0.isActive ? $0 : nil } }
    }

    private func remember(_ connection: BrokerConnection, nodeId: Int32, task: Task<BrokerConnection, any Error>) {
        let isNew = state.withLock { state -> Bool in
            guard state.connecting[nodeId] == task, state.ready[nodeId] !== connection else { return false }
            state.ready[nodeId] = connection
            return true
        }
        guard isNew else { return }
        connection.closeFuture.whenComplete { [weak self] _ in
            self?.state.withLock { state in
                guard state.ready[nodeId] === connection else { return }
                state.ready[nodeId] = nil
                state.connecting[nodeId] = nil
            }
        }
    }

    /// Broker ids are ≥ 0; bootstrap entries are addressed as -1, -2, ... in list order.
    func address(of nodeId: Int32, in metadata: ClusterMetadata) -> BrokerAddress? {
        if nodeId >= 0 { return metadata.brokers[nodeId]?.address }
        let index = Int(-nodeId) - 1
        return configuration.bootstrapServers.indices.contains(index) ? configuration.bootstrapServers[index] : nil
    }

    /// Some open connection: an existing one if any, else the known brokers, then the bootstrap list.
    public func anyConnection() async throws -> BrokerConnection {
        let (open, candidates) = try state.withLock { state throws(KafkaClientError) in
            guard !state.closed else { throw KafkaClientError(.closed, "the client is closed") }
            let open = state.ready.sorted { $0.key > $1.key }.first { $0.value.isActive }?.value
            let brokers = state.metadata.brokers.keys.shuffled()
            let bootstrap = configuration.bootstrapServers.indices.map { -Int32($0) - 1 }
            return (open, brokers + bootstrap)
        }
        if let open { return open }
        var failures: [String] = []
        for nodeId in candidates {
            do {
                return try await openConnection(to: nodeId)
            } catch let error as KafkaClientError where error.code == .closed {
                throw error
            } catch {
                failures.append("\(error)")
            }
        }
        throw KafkaClientError(
            .brokerNotAvailable, "no broker reachable: \(failures.joined(separator: "; ")) (check bootstrap.servers)")
    }

    /// Sends to broker `nodeId`.
    public func send<Request: KafkaRequest>(
        _ request: Request, to nodeId: Int32, timeout: Duration? = nil
    ) async throws -> Request.Response {
        try await connection(to: nodeId).send(request, timeout: timeout)
    }

    /// Sends to any broker, moving on to another when a connection fails before the answer.
    public func sendToAnyBroker<Request: KafkaRequest>(_ request: Request, timeout: Duration? = nil) async throws -> Request.Response {
        var lastError: (any Error)?
        for _ in 0..<3 {
            let connection = try await anyConnection()
            do {
                return try await connection.send(request, timeout: timeout)
            } catch let error as KafkaClientError where error.code == .connectionClosed || error.code == .requestTimedOut {
                lastError = error
                connection.closeNow()
            }
        }
        throw lastError ?? KafkaClientError(.brokerNotAvailable, "no broker answered \(Request.apiKey)")
    }

    /// Sends to the controller named in metadata (any broker when none is known; under KRaft brokers
    /// forward controller requests).
    public func sendToController<Request: KafkaRequest>(_ request: Request, timeout: Duration? = nil) async throws -> Request.Response {
        var controller = metadata.controllerId
        if controller == nil { controller = try await refreshMetadata(topics: []).controllerId }
        guard let controller else { return try await sendToAnyBroker(request, timeout: timeout) }
        return try await send(request, to: controller, timeout: timeout)
    }
}
