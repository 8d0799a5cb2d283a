import KafkaRecords

/// Hears when a subscribed consumer gains and gives up partitions (Kafka's `ConsumerRebalanceListener`).
///
/// The calls run inside `poll`, on the polling task, before poll returns; the consumer is passed in so
/// a listener can `commit`, `seek` or read `position` (all allowed during the call). Typical use: commit
/// what was processed in `onPartitionsRevoked`, seek to stored positions in `onPartitionsAssigned`.
///
/// - Eager rebalancing (`range`, `roundrobin`, or the default list): before every rejoin,
///   `onPartitionsRevoked` with everything owned; after it, `onPartitionsAssigned` with the new set.
/// - Cooperative rebalancing (`cooperative-sticky` alone): only the partitions that move are revoked,
///   after the rejoin; `onPartitionsAssigned` gets only the added ones (possibly none).
/// - `onPartitionsLost`: the member was no longer in the group (session timeout, fenced generation), so
///   the partitions may already belong to others; committing is pointless. Defaults to
///   `onPartitionsRevoked`, as in Kafka.
///
/// A thrown error is raised from `poll` after the rebalance step finished.
public protocol ConsumerRebalanceListener: Sendable {
    func onPartitionsRevoked(_ partitions: [TopicPartition], consumer: KafkaConsumer) async throws
    func onPartitionsAssigned(_ partitions: [TopicPartition], consumer: KafkaConsumer) async throws
    func onPartitionsLost(_ partitions: [TopicPartition], consumer: KafkaConsumer) async throws
}

extension ConsumerRebalanceListener {
    public func onPartitionsLost(_ partitions: [TopicPartition], consumer: KafkaConsumer) async throws {
        try await onPartitionsRevoked(partitions, consumer: consumer)
    }
}

/// A rebalance listener made of closures; the ones left nil do nothing.
public struct RebalanceCallbacks: ConsumerRebalanceListener {
    public typealias Callback = @Sendable ([TopicPartition], KafkaConsumer) async throws -> Void

    public var revoked: Callback?
    public var assigned: Callback?
    /// nil: lost partitions go to `revoked`, as Kafka's default.
    public var lost: Callback?

    public init(revoked: Callback? = nil, assigned: Callback? = nil, lost: Callback? = nil) {
        self.revoked = revoked
        self.assigned = assigned
        self.lost = lost
    }

    public func onPartitionsRevoked(_ partitions: [TopicPartition], consumer: KafkaConsumer) async throws {
        try await revoked?(partitions, consumer)
    }

    public func onPartitionsAssigned(_ partitions: [TopicPartition], consumer: KafkaConsumer) async throws {
        try await assigned?(partitions, consumer)
    }

    public func onPartitionsLost(_ partitions: [TopicPartition], consumer: KafkaConsumer) async throws {
        if let lost { try await lost(partitions, consumer) } else { try await revoked?(partitions, consumer) }
    }
}
