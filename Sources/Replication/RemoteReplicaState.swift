/// The leader's view of one follower (Kafka's `Replica`/`ReplicaState`): what its fetches told the
/// leader. A follower is caught up at a fetch when its fetch offset reaches the leader's log end at
/// that fetch, or at the previous one — then it was caught up at the previous fetch's time.
public struct RemoteReplicaState: Sendable, Hashable {
    /// The follower's log end offset: its last fetch offset, -1 before the first fetch to this leader.
    public private(set) var logEndOffset: Int64
    /// The leader's log end offset at the follower's last fetch.
    public private(set) var lastFetchLeaderLogEndOffset: Int64
    /// nil before the first fetch to this leader.
    public private(set) var lastFetchTimeMs: Int64?
    /// When the follower was last fully caught up; nil when never (for this leader). Kafka uses 0,
    /// which wall-clock time makes ancient; here time may start at 0.
    public private(set) var lastCaughtUpTimeMs: Int64?
    /// The broker epoch its fetches carried (KIP-903), -1 when unknown.
    public private(set) var brokerEpoch: Int64

    /// The state a new leader starts with (Kafka's `resetReplicaState` with `isNewLeader`): nothing
    /// known, and members of the ISR count as caught up now, so they get a full lag period.
    public init(inIsr: Bool, now: Int64) {
        logEndOffset = -1
        lastFetchLeaderLogEndOffset = -1
        lastFetchTimeMs = nil
        lastCaughtUpTimeMs = inIsr ? now : nil
        brokerEpoch = -1
    }

    /// Kafka's `updateFetchStateOrThrow`. `leaderEndOffset` is the leader's log end when it read for
    /// this fetch.
    public mutating func updateFetchState(fetchOffset: Int64, fetchTimeMs: Int64, leaderEndOffset: Int64, brokerEpoch: Int64) {
        if fetchOffset >= leaderEndOffset {
            lastCaughtUpTimeMs = max(lastCaughtUpTimeMs ?? fetchTimeMs, fetchTimeMs)
        } else if fetchOffset >= lastFetchLeaderLogEndOffset, let previousFetch = lastFetchTimeMs {
            lastCaughtUpTimeMs = max(lastCaughtUpTimeMs ?? previousFetch, previousFetch)
        }
        logEndOffset = fetchOffset
        lastFetchLeaderLogEndOffset = max(leaderEndOffset, lastFetchLeaderLogEndOffset)
        lastFetchTimeMs = fetchTimeMs
        self.brokerEpoch = brokerEpoch
    }

    /// Kafka's `isCaughtUp`: at the leader's log end, or caught up within the last `maxLagMs`.
    public func isCaughtUp(leaderEndOffset: Int64, now: Int64, maxLagMs: Int64) -> Bool {
        if leaderEndOffset == logEndOffset { return true }
        guard let lastCaughtUpTimeMs else { return false }
        return now - lastCaughtUpTimeMs <= maxLagMs
    }
}
