import KafkaProtocol
import KafkaRecords
import Logging
import Synchronization

/// The consumer's side of the classic group protocol: the I/O shell around `GroupMembership`.
///
/// It finds the group's coordinator (FindCoordinator, retried while the coordinator is unavailable,
/// loading or moved) and talks to it over a connection of its own, as Kafka's client does, so a
/// JoinGroup the coordinator holds for seconds does not delay fetches from the same broker. It runs
/// JoinGroup/SyncGroup (`+Join`), the heartbeat loop (`+Heartbeat`), commits and committed-offset
/// lookups (`+Offsets`) and LeaveGroup. It knows nothing of partitions' positions or listeners: the
/// consumer decides what to revoke, commit and assign.
final class ConsumerCoordinator: Sendable {
    let groupId: String
    let cluster: ClusterClient
    let configuration: ConsumerConfiguration
    let rebalanceProtocol: RebalanceProtocol
    var logger: Logger { cluster.configuration.logger }
    var groupInstanceId: String? { configuration.groupInstanceId }

    struct Coordinator: Sendable {
        var node: BrokerInfo
        var connection: BrokerConnection
    }

    struct State: Sendable {
        var membership = GroupMembership()
        var coordinator: Coordinator?
        var lastPoll = ContinuousClock.now
        /// When the coordinator last answered a heartbeat (or the member joined).
        var lastHeartbeatAnswer = ContinuousClock.now
        var closed = false
    }

    let state = Mutex(State())

    init(groupId: String, cluster: ClusterClient, configuration: ConsumerConfiguration) {
        self.groupId = groupId
        self.cluster = cluster
        self.configuration = configuration
        self.rebalanceProtocol = commonRebalanceProtocol(configuration.assignors) ?? .eager
    }

    var membership: GroupMembership { state.withLock { $0.membership } }

    func withMembership<T>(_ body: (inout GroupMembership) -> T) -> T { state.withLock { body(&$0.membership) } }

    func recordPoll() { state.withLock { $0.lastPoll = .now } }

    // MARK: The coordinator connection

    /// The open connection to the coordinator, finding the coordinator first when unknown.
    func coordinatorConnection() async throws -> BrokerConnection {
        let (known, closed) = state.withLock { ($0.coordinator, $0.closed) }
        guard !closed else { throw KafkaClientError(.closed, "the consumer of group '\(groupId)' is closed") }
        if let known, known.connection.isActive { return known.connection }
        let node = try await cluster.findCoordinator(groupId)
        let connection = try await BrokerConnection.connect(to: node.address, configuration: cluster.configuration)
        let chosen = state.withLock { state -> BrokerConnection? in
            if state.closed { return nil }
            if let existing = state.coordinator, existing.connection.isActive, existing.node.nodeId == node.nodeId {
                return existing.connection
            }
            state.coordinator = Coordinator(node: node, connection: connection)
            state.lastHeartbeatAnswer = .now
            return connection
        }
        guard let chosen else {
            await connection.close()
            throw KafkaClientError(.closed, "the consumer of group '\(groupId)' is closed")
        }
        if chosen !== connection { await connection.close() } else {
            logger.debug("group \(groupId): coordinator is broker \(node)")
        }
        return chosen
    }

    /// Forgets the coordinator (and closes its connection) so the next request finds it again.
    func markCoordinatorUnknown(_ reason: String, connection: BrokerConnection? = nil) {
        let dropped = state.withLock { state -> BrokerConnection? in
            guard let current = state.coordinator, connection == nil || current.connection === connection else { return nil }
            state.coordinator = nil
            return current.connection
        }
        guard let dropped else { return }
        logger.info("group \(groupId): coordinator \(dropped.address) is unavailable or moved (\(reason)); finding it again")
        dropped.closeNow()
    }

    /// Runs `attempt` against the coordinator until it finishes or `deadline` passes, finding the
    /// coordinator again after connection failures and when `attempt` says it moved.
    func retrying<T: Sendable>(
        until deadline: ContinuousClock.Instant, _ what: String,
        _ attempt: (BrokerConnection) async throws -> Attempt<T>
    ) async throws -> T {
        while true {
            var failure: KafkaClientError
            do {
                let connection = try await coordinatorConnection()
                do {
                    switch try await attempt(connection) {
                    case .done(let value): return value
                    case .retry(let error): failure = error
                    case .coordinatorMoved(let error):
                        markCoordinatorUnknown(error.message, connection: connection)
                        failure = error
                    }
                } catch let error as KafkaClientError where error.code == .connectionClosed || error.code == .requestTimedOut {
                    markCoordinatorUnknown(error.message, connection: connection)
                    failure = error
                }
            } catch let error as KafkaClientError where error.isRetriable {
                failure = error
            }
            let backoff = cluster.configuration.retryBackoff
            guard ContinuousClock.now + backoff < deadline, !Task.isCancelled else {
                throw KafkaClientError(failure.code, "\(what) for group '\(groupId)' failed: \(failure.message)", brokerError: failure.brokerError)
            }
            try await Task.sleep(for: backoff)
        }
    }

    enum Attempt<T: Sendable>: Sendable {
        case done(T)
        case retry(KafkaClientError)
        case coordinatorMoved(KafkaClientError)
    }

    // MARK: Leaving

    /// Leaves the group (LeaveGroup, best effort: one attempt) unless the member is static or not in
    /// the group; either way the generation is reset, as Kafka's `maybeLeaveGroup`.
    func leaveGroup(reason: String) async {
        let (memberId, coordinator) = state.withLock { state in
            (state.membership.leave(isStatic: groupInstanceId != nil), state.coordinator)
        }
        guard let memberId, let connection = coordinator?.connection, connection.isActive else { return }
        logger.info("group \(groupId): member \(memberId) leaves the group (\(reason))")
        do {
            let version = try connection.version(.leaveGroup)
            var request = LeaveGroupRequest()
            request.groupId = groupId
            if version >= 3 {
                request.members = [.init(memberId: memberId, groupInstanceId: nil, reason: version >= 5 ? reason : nil)]
            } else {
                request.memberId = memberId
            }
            let response = try await connection.send(request, version: version, timeout: min(cluster.configuration.requestTimeout, .seconds(5)))
            let codes: [Int16] = [response.errorCode, response.members.first?.errorCode ?? 0]
            if let code = codes.first(where: { $0 != 0 }) {
                logger.debug("group \(groupId): LeaveGroup answered \(ErrorCode(code).name)")
            }
        } catch {
            logger.debug("group \(groupId): LeaveGroup failed: \(error)")
        }
    }

    /// Closes the coordinator connection; later calls find the coordinator again.
    func close() async {
        let connection = state.withLock { state -> BrokerConnection? in
            state.closed = true
            defer { state.coordinator = nil }
            return state.coordinator?.connection
        }
        await connection?.close()
    }
}
