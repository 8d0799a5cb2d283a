import KafkaProtocol
import NIOCore

extension ConsumerCoordinator {
    /// How one join attempt ended.
    enum JoinOutcome: Sendable {
        /// In the group: the new generation and this member's assignment bytes. `partitionCounts` is
        /// what the leader assigned from (nil for followers).
        case joined(GroupMembership.Generation, assignment: ByteBuffer, partitionCounts: [String: Int]?)
        case failed(KafkaClientError, GroupMembership.Reaction)
    }

    /// One JoinGroup + SyncGroup round (Kafka's `sendJoinGroupRequest` and the handlers after it):
    /// JoinGroup with this member's protocols (MEMBER_ID_REQUIRED answers come back as `.retryNow`);
    /// the leader runs `leader` over the members' subscriptions; then SyncGroup.
    func joinGroup(protocols: [JoinGroupRequest.JoinGroupRequestProtocol], leader: GroupLeaderAssignment) async -> JoinOutcome {
        let connection: BrokerConnection
        do {
            connection = try await coordinatorConnection()
        } catch {
            let failure = Self.clientError(error, "cannot reach the coordinator of group '\(groupId)'")
            return .failed(failure, failure.isRetriable ? .backoff : .fail)
        }
        do {
            let step = try await sendJoin(protocols, on: connection)
            guard case .proceed(let response, let generation) = step else {
                if case .stop(let outcome) = step { return outcome }
                return .failed(KafkaClientError(.malformedResponse, "JoinGroup of group '\(groupId)' ended without an answer"), .fail)
            }
            var assignments: [SyncGroupRequest.SyncGroupRequestAssignment] = []
            var counts: [String: Int]?
            if response.leader == response.memberId, !response.skipAssignment {
                // The leader's own failures (metadata, a member's unreadable subscription) leave the
                // coordinator connection alone.
                let result: GroupLeaderAssignment.Result
                do {
                    result = try await leader.assign(protocolName: generation.protocolName ?? "", members: response.members)
                } catch {
                    let failure = Self.clientError(error, "the assignment of group '\(groupId)' failed")
                    withMembership { $0.requestRejoin("the leader could not assign: \(failure.message)") }
                    return .failed(failure, failure.isRetriable ? .backoff : .fail)
                }
                assignments = result.assignments.sorted { $0.key < $1.key }.map { .init(memberId: $0.key, assignment: $0.value) }
                counts = result.partitionCounts
            }
            return try await sendSync(assignments, generation: generation, on: connection, partitionCounts: counts)
        } catch {
            let failure = Self.clientError(error, "joining group '\(groupId)' failed")
            if failure.code == .connectionClosed || failure.code == .requestTimedOut {
                markCoordinatorUnknown(failure.message, connection: connection)
                return .failed(failure, .backoff)
            }
            return .failed(failure, failure.isRetriable ? .backoff : .fail)
        }
    }

    private enum JoinStep {
        case proceed(JoinGroupResponse, GroupMembership.Generation)
        case stop(JoinOutcome)
    }

    private func sendJoin(_ protocols: [JoinGroupRequest.JoinGroupRequestProtocol], on connection: BrokerConnection) async throws -> JoinStep {
        let version = try connection.version(.joinGroup)
        if groupInstanceId != nil, version < 5 {
            throw KafkaClientError(.unsupportedVersion, "broker \(connection.address) has no JoinGroup v5 for group.instance.id (static membership)")
        }
        let (sent, reason) = withMembership { membership in
            membership.joinStarted()
            return (membership.generation, membership.rejoinReason)
        }
        var request = JoinGroupRequest()
        request.groupId = groupId
        request.sessionTimeoutMs = configuration.sessionTimeout.milliseconds32
        request.rebalanceTimeoutMs = configuration.maxPollInterval.milliseconds32
        request.memberId = sent.memberId
        if version >= 5 { request.groupInstanceId = groupInstanceId }
        request.protocolType = "consumer"
        request.protocols = protocols
        if version >= 8 { request.reason = String(reason.prefix(255)) }
        // The coordinator may hold the answer until every member rejoined (up to the rebalance timeout).
        let timeout = max(cluster.configuration.requestTimeout, configuration.maxPollInterval + .seconds(5))
        let response = try await connection.send(request, version: version, timeout: timeout)
        let error = ErrorCode(response.errorCode)
        guard error == .noError else {
            let reaction = withMembership { $0.joinFailed(error, memberIdInResponse: response.memberId, sent: sent) }
            if reaction == .coordinatorMoved { markCoordinatorUnknown(error.name, connection: connection) }
            if reaction == .fail, error == .fencedInstanceId {
                let fenced = KafkaClientError.broker(error, "group '\(groupId)': group.instance.id '\(groupInstanceId ?? "")' was fenced by another member with the same id")
                withMembership { $0.fail(fenced) }
                return .stop(.failed(fenced, .fail))
            }
            return .stop(.failed(.broker(error, "JoinGroup of group '\(groupId)' failed"), reaction))
        }
        if let type = response.protocolType, type != "consumer" {
            return .stop(.failed(.broker(.inconsistentGroupProtocol, "group '\(groupId)' has protocol type '\(type)', not consumer"), .fail))
        }
        let generation = GroupMembership.Generation(
            generationId: response.generationId, memberId: response.memberId, protocolName: response.protocolName)
        let accepted = withMembership {
            $0.joined(generationId: generation.generationId, memberId: generation.memberId, protocolName: generation.protocolName,
                      leader: response.leader == response.memberId)
        }
        guard accepted else {
            return .stop(.failed(KafkaClientError(.rebalanceInProgress, "left group '\(groupId)' while joining"), .retryNow))
        }
        state.withLock { $0.lastHeartbeatAnswer = .now }
        logger.info("group \(groupId): joined generation \(generation.generationId) as \(generation.memberId) with \(generation.protocolName ?? "?")\(response.leader == response.memberId ? " (leader)" : "")")
        return .proceed(response, generation)
    }

    private func sendSync(
        _ assignments: [SyncGroupRequest.SyncGroupRequestAssignment], generation: GroupMembership.Generation, on connection: BrokerConnection,
        partitionCounts: [String: Int]?
    ) async throws -> JoinOutcome {
        let version = try connection.version(.syncGroup)
        var request = SyncGroupRequest()
        request.groupId = groupId
        request.generationId = generation.generationId
        request.memberId = generation.memberId
        if version >= 3 { request.groupInstanceId = groupInstanceId }
        if version >= 5 {
            request.protocolType = "consumer"
            request.protocolName = generation.protocolName
        }
        request.assignments = assignments
        let response = try await connection.send(request, version: version)
        let error = ErrorCode(response.errorCode)
        guard error == .noError else {
            let reaction = withMembership { $0.syncFailed(error, sent: generation) }
            if reaction == .coordinatorMoved { markCoordinatorUnknown(error.name, connection: connection) }
            if error == .fencedInstanceId {
                let fenced = KafkaClientError.broker(error, "group '\(groupId)': group.instance.id '\(groupInstanceId ?? "")' was fenced by another member with the same id")
                withMembership { $0.fail(fenced) }
                return .failed(fenced, .fail)
            }
            return .failed(.broker(error, "SyncGroup of group '\(groupId)' failed"), reaction)
        }
        if let type = response.protocolType, type != "consumer" {
            return .failed(.broker(.inconsistentGroupProtocol, "SyncGroup of group '\(groupId)' answered protocol type '\(type)'"), .fail)
        }
        if let name = response.protocolName, name != generation.protocolName {
            return .failed(.broker(.inconsistentGroupProtocol, "SyncGroup of group '\(groupId)' answered protocol '\(name)'"), .fail)
        }
        guard withMembership({ $0.synced() }) else {
            return .failed(.broker(.illegalGeneration, "group '\(groupId)' was reset while syncing"), .retryNow)
        }
        state.withLock { $0.lastHeartbeatAnswer = .now }
        return .joined(generation, assignment: response.assignment, partitionCounts: partitionCounts)
    }

    static func clientError(_ error: any Error, _ context: String) -> KafkaClientError {
        if let error = error as? KafkaClientError { return error }
        return KafkaClientError(.malformedResponse, "\(context): \(error)")
    }
}
