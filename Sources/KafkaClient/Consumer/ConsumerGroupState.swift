import KafkaRecords

/// The consumer's group bookkeeping that lives in the actor (the membership itself lives in
/// `ConsumerCoordinator`, shared with the heartbeat task).
struct ConsumerGroupState {
    /// The subscribed topics; empty when not subscribed.
    var topics: [String] = []
    var listener: (any ConsumerRebalanceListener)?
    /// The subscription the last JoinGroup carried (a different one now means: rejoin).
    var joinedTopics: [String]?
    /// A JoinGroup/SyncGroup round in flight; it outlives a poll whose timeout passes.
    var pendingJoin: PendingResult<ConsumerCoordinator.JoinOutcome>?
    var heartbeats: Task<Void, Never>?
    var nextAutoCommit: ContinuousClock.Instant?
    /// As leader: the partition counts the assignment was made from; a change means: rejoin.
    var leaderPartitionCounts: [String: Int]?
    var nextLeaderMetadataCheck: ContinuousClock.Instant?
    /// The generation of the last assignment (the cooperative-sticky assignor's user data).
    var assignedGeneration: Int32 = -1
    /// An API misuse to raise from the next poll.
    var misuse: KafkaClientError?

    var isSubscribed: Bool { !topics.isEmpty }
}
