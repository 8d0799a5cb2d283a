/// One partition of a Fetch response: an error, or the diverging epoch, or batches, with the
/// leader's offsets. It echoes the request it answers, so the follower can drop an answer to a
/// request that no longer matches its state (as Kafka's fetcher compares the fetch offset).
public struct ReplicaFetchResponse<Batch: ReplicaBatch>: Sendable {
    public var request: ReplicaFetchRequest
    public var error: ReplicationError?
    public var highWatermark: Int64
    public var logStartOffset: Int64
    /// The leader's log end offset when it read (used on OFFSET_OUT_OF_RANGE).
    public var logEndOffset: Int64
    /// Set when the follower's last fetched epoch and offset are not on the leader's log.
    public var divergingEpoch: EpochEndOffset?
    public var batches: [Batch]

    public init(
        request: ReplicaFetchRequest, error: ReplicationError? = nil, highWatermark: Int64 = -1, logStartOffset: Int64 = -1,
        logEndOffset: Int64 = -1, divergingEpoch: EpochEndOffset? = nil, batches: [Batch] = []
    ) {
        self.request = request
        self.error = error
        self.highWatermark = highWatermark
        self.logStartOffset = logStartOffset
        self.logEndOffset = logEndOffset
        self.divergingEpoch = divergingEpoch
        self.batches = batches
    }

    /// An answer carrying only an error.
    public static func failure(_ error: ReplicationError, for request: ReplicaFetchRequest) -> Self {
        Self(request: request, error: error)
    }
}
