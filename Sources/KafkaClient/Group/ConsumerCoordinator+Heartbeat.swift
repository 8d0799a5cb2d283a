import KafkaProtocol

extension ConsumerCoordinator {
    /// The heartbeat loop (Kafka's `HeartbeatThread`), one task per subscribed consumer, cancelled on
    /// close. Every `heartbeat.interval.ms` while the member is in the group: leave the group when the
    /// application has not polled for `max.poll.interval.ms`; forget the coordinator when it has not
    /// answered for `session.timeout.ms`; else send Heartbeat and apply the answer (REBALANCE_IN_PROGRESS
    /// asks for a rejoin at the next poll, UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION reset the member,
    /// FENCED_INSTANCE_ID is fatal). The loop never joins: the consumer's poll does.
    func runHeartbeats() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.heartbeatInterval)
            guard !Task.isCancelled else { return }
            await heartbeatOnce()
        }
    }

    enum HeartbeatStep: Equatable {
        case stop, idle, pollTimeout, send(GroupMembership.Generation)
    }

    func nextHeartbeatStep(now: ContinuousClock.Instant = .now) -> HeartbeatStep {
        state.withLock { state in
            if state.closed { return .stop }
            guard state.membership.heartbeatsEnabled else { return .idle }
            if now - state.lastPoll > configuration.maxPollInterval { return .pollTimeout }
            return .send(state.membership.generation)
        }
    }

    func heartbeatOnce() async {
        switch nextHeartbeatStep() {
        case .stop, .idle: return
        case .pollTimeout:
            logger.warning(
                "group \(groupId): no poll for longer than max.poll.interval.ms (\(configuration.maxPollInterval)); leaving the group. Poll more often, or process fewer records per poll (max.poll.records)")
            await leaveGroup(reason: "consumer poll timeout has expired.")
        case .send(let generation):
            let expired = state.withLock { ContinuousClock.now - $0.lastHeartbeatAnswer > configuration.sessionTimeout }
            if expired { markCoordinatorUnknown("session timed out without a heartbeat answer") }
            await sendHeartbeat(generation)
        }
    }

    private func sendHeartbeat(_ generation: GroupMembership.Generation) async {
        var connection: BrokerConnection?
        do {
            let open = try await coordinatorConnection()
            connection = open
            let version = try open.version(.heartbeat)
            var request = HeartbeatRequest()
            request.groupId = groupId
            request.generationId = generation.generationId
            request.memberId = generation.memberId
            if version >= 3 { request.groupInstanceId = groupInstanceId }
            let response = try await open.send(request, version: version)
            let error = ErrorCode(response.errorCode)
            let reaction = state.withLock { state in
                state.lastHeartbeatAnswer = .now
                return state.membership.heartbeatFailed(error, sent: generation)
            }
            switch reaction {
            case .coordinatorMoved: markCoordinatorUnknown(error.name, connection: open)
            case .fail:
                let failure: KafkaClientError = error == .fencedInstanceId
                    ? .broker(error, "group '\(groupId)': group.instance.id '\(groupInstanceId ?? "")' was fenced by another member with the same id")
                    : .broker(error, "heartbeat of group '\(groupId)' failed")
                withMembership { $0.fail(failure) }
            case .ignore, .retryNow, .backoff: break
            }
            if error != .noError { logger.debug("group \(groupId): heartbeat answered \(error.name)") }
        } catch {
            logger.debug("group \(groupId): heartbeat failed: \(error)")
            if let connection, let error = error as? KafkaClientError, error.code == .connectionClosed || error.code == .requestTimedOut {
                markCoordinatorUnknown(error.message, connection: connection)
            }
        }
    }
}
