import KafkaProtocol
import KafkaRecords

/// Who a consumer is in its group right now (Kafka's `ConsumerGroupMetadata`).
public struct ConsumerGroupMetadata: Sendable, Hashable {
    public var groupId: String
    /// -1 while not in the group.
    public var generationId: Int32
    /// Empty until the coordinator assigned one.
    public var memberId: String
    public var groupInstanceId: String?
    /// The assignor the coordinator selected, once joined.
    public var protocolName: String?
    /// Whether this member computed the group's assignment in the current generation.
    public var isLeader: Bool
}

extension KafkaConsumer {
    /// Subscribes to `topics` as a member of the consumer group `groupId`: the next poll finds the
    /// group's coordinator and joins; the group leader splits the topics' partitions among the members
    /// with the assignor the group agreed on; partitions start at the group's committed offsets.
    /// Calling it again with other topics rejoins with the new subscription.
    ///
    /// Throws `.invalidArgument` without a `groupId`, with no topics (use `unsubscribe()`), after
    /// `assign` (call `assign([])` first), when the assignors share no rebalance protocol, or when the
    /// heartbeat interval is not below the session timeout.
    public func subscribe(topics: [String], listener: (any ConsumerRebalanceListener)? = nil) throws {
        guard !closed else { throw KafkaClientError(.closed, "the consumer is closed") }
        guard coordinator != nil else {
            throw KafkaClientError(.invalidArgument, "subscribe needs a consumer group: set ConsumerConfiguration.groupId (group.id)")
        }
        let unique = Array(Set(topics.filter { !$0.isEmpty })).sorted()
        guard !unique.isEmpty else { throw KafkaClientError(.invalidArgument, "subscribe to at least one topic (or call unsubscribe())") }
        guard !configuration.assignors.isEmpty, commonRebalanceProtocol(configuration.assignors) != nil else {
            throw KafkaClientError(
                .invalidArgument, "assignors \(configuration.assignors.map(\.name)) share no rebalance protocol (partition.assignment.strategy)")
        }
        guard configuration.heartbeatInterval < configuration.sessionTimeout else {
            throw KafkaClientError(.invalidArgument, "heartbeat.interval.ms must be lower than session.timeout.ms")
        }
        guard group.isSubscribed || order.isEmpty else {
            throw KafkaClientError(.invalidArgument, "subscribe() after assign(): call assign([]) first")
        }
        group.topics = unique
        group.listener = listener
    }

    /// The subscribed topics (empty when not subscribed).
    public var subscription: [String] { group.topics }

    /// Leaves the group: the revoked callback (lost, if the member was no longer in the group), then
    /// LeaveGroup (not for a static member), and an empty assignment.
    public func unsubscribe() async {
        guard group.isSubscribed, let coordinator else { return }
        group.pendingJoin?.cancel()
        group.pendingJoin = nil
        await handBackPartitions()
        await coordinator.leaveGroup(reason: "the consumer unsubscribed from all topics")
        group.heartbeats?.cancel()
        group = ConsumerGroupState()
        setAssignment([])
    }

    /// The group identity for commits made elsewhere (transactions) and for display; nil without a group.
    public var groupMetadata: ConsumerGroupMetadata? {
        guard let coordinator else { return nil }
        let membership = coordinator.membership
        return ConsumerGroupMetadata(
            groupId: coordinator.groupId, generationId: membership.generation.generationId, memberId: membership.generation.memberId,
            groupInstanceId: configuration.groupInstanceId, protocolName: membership.generation.protocolName,
            isLeader: membership.isLeader)
    }

    /// Asks for a rebalance at the next poll (Kafka's `enforceRebalance`).
    public func enforceRebalance(reason: String = "the application asked for a rebalance") {
        guard group.isSubscribed else { return }
        coordinator?.withMembership { $0.requestRejoin(reason) }
    }

    /// Before leaving or closing (Kafka's `onLeavePrepare`): revoked callback for what the member owns,
    /// or lost when it is no longer in the group or mid-rebalance; then an empty assignment.
    func handBackPartitions() async {
        guard let coordinator, group.isSubscribed, !order.isEmpty else { return }
        let dropped = order.sorted()
        let membership = coordinator.membership
        let lost = membership.generation.isReset || membership.rebalanceInProgress
        do {
            if lost { try await group.listener?.onPartitionsLost(dropped, consumer: self) }
            else { try await group.listener?.onPartitionsRevoked(dropped, consumer: self) }
        } catch {
            logger.error("rebalance listener failed while giving up \(dropped): \(error)")
        }
        setAssignment([])
    }

    /// On close: commit (auto-commit), hand partitions back, leave, stop the heartbeats, close the
    /// coordinator connection.
    func closeGroup() async {
        guard let coordinator else { return }
        group.pendingJoin?.cancel()
        group.pendingJoin = nil
        if configuration.enableAutoCommit, group.isSubscribed ? coordinator.membership.generationIfStable != nil : true {
            do {
                try await coordinator.commit(
                    consumedOffsets(), asMember: group.isSubscribed, until: .now + cluster.configuration.requestTimeout)
            } catch {
                logger.warning("auto-commit on close of group '\(coordinator.groupId)' failed: \(error)")
            }
        }
        if group.isSubscribed {
            await handBackPartitions()
            await coordinator.leaveGroup(reason: "the consumer is being closed")
        }
        group.heartbeats?.cancel()
        group.heartbeats = nil
        await coordinator.close()
    }
}
