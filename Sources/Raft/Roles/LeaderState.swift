/// Leading `epoch` (Kafka's `LeaderState`): tracks how far each voter's log reaches, computes the
/// high watermark from a majority, holds fetches that have nothing new, and resigns when a majority has
/// not fetched for 1.5 × the fetch timeout (it may be cut off from the quorum).
public struct LeaderState: Sendable, Hashable {
    /// One voter's or observer's progress, as the leader saw it in its fetches.
    public struct ReplicaProgress: Sendable, Hashable {
        public var endOffset: Int64 = -1
        public var lastFetchTime: Int64 = -1
        /// When this replica last fetched up to the leader's log end (DescribeQuorum's lastCaughtUpTimestamp).
        public var lastCaughtUpTime: Int64 = -1
    }

    /// A fetch held until something changes or it expires.
    public struct HeldFetch: Sendable, Hashable {
        public var request: RaftMessage.FetchRequest
        public var expires: Int64
    }

    public var epoch: Int32
    /// The offset of this epoch's LeaderChange entry: nothing commits until that entry does.
    public var epochStartOffset: Int64
    public var voters: [Int32: ReplicaProgress]
    public var observers: [Int32: ReplicaProgress] = [:]
    public var heldFetches: [Int32: HeldFetch] = [:]
    /// The high watermark each fetcher last heard from this leader. A fetch from one that has not yet
    /// heard the current mark is answered at once rather than held, so followers (and the brokers'
    /// metadata images) learn of commits without waiting out `fetchMaxWaitMs` (KIP-1166's aim, inferred
    /// here on the leader's side, as Fetch v16 carries no high watermark from the follower).
    public var sentHighWatermark: [Int32: Int64] = [:]
    /// Voters that have not yet answered BeginQuorumEpoch nor fetched in this epoch.
    public var unacknowledged: Set<Int32>
    public var nextBeginQuorumResend: Int64
    /// Voters that fetched since the last check-quorum period began.
    public var fetchedSinceCheck: Set<Int32> = []
    public var checkQuorumDeadline: Int64
}
