/// One partition of a Fetch request, as the leader validates it (Kafka's `FetchRequest.PartitionData`
/// plus the request-level replica id and broker epoch). Consumers send `replicaId = -1`.
public struct ReplicaFetchRequest: Sendable, Hashable {
    /// Kafka's consumer replica id.
    public static let consumerReplicaId: Int32 = -1

    public var replicaId: Int32
    /// The follower's broker epoch (KIP-903), -1 when unknown; the leader puts it into ISR expansions.
    public var brokerEpoch: Int64
    /// The leader epoch the sender believes current (KIP-320); nil skips the check (old clients).
    public var currentLeaderEpoch: Int32?
    public var fetchOffset: Int64
    /// The epoch of the last batch the follower holds (KIP-320 fetch-based truncation); nil for consumers.
    public var lastFetchedEpoch: Int32?
    /// The size budget for the answer, in the log's unit.
    public var maxBytes: Int

    public init(
        replicaId: Int32, brokerEpoch: Int64 = -1, currentLeaderEpoch: Int32?, fetchOffset: Int64,
        lastFetchedEpoch: Int32? = nil, maxBytes: Int = 1 << 20
    ) {
        self.replicaId = replicaId
        self.brokerEpoch = brokerEpoch
        self.currentLeaderEpoch = currentLeaderEpoch
        self.fetchOffset = fetchOffset
        self.lastFetchedEpoch = lastFetchedEpoch
        self.maxBytes = maxBytes
    }

    public var isFromFollower: Bool { replicaId >= 0 }
}
