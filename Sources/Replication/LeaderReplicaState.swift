/// The leader's view of one partition's replicas (Kafka's `Partition` on the leader): the ISR, each
/// replica's log end offset, and the high watermark — the offset below which every in-sync replica
/// has the data, so consumers may read it and acks=all writes are acknowledged.
///
/// A pure value: the broker feeds it log end offsets (its own after an append, followers' from their
/// fetches) and acts on what it returns. With a single replica the ISR is just the leader and the high
/// watermark follows the local log end.
public struct LeaderReplicaState: Sendable, Hashable {
    public let localReplica: Int32
    public private(set) var leaderEpoch: Int32
    public private(set) var isr: Set<Int32>
    /// The last known log end offset of every replica, the leader's own included.
    public private(set) var logEndOffsets: [Int32: Int64]
    public private(set) var highWatermark: Int64

    public init(localReplica: Int32, leaderEpoch: Int32, replicas: [Int32], isr: [Int32], localLogEndOffset: Int64, highWatermark: Int64) {
        self.localReplica = localReplica
        self.leaderEpoch = leaderEpoch
        self.isr = Set(isr)
        self.logEndOffsets = Dictionary(uniqueKeysWithValues: replicas.map { ($0, $0 == localReplica ? localLogEndOffset : -1) })
        self.highWatermark = min(highWatermark, localLogEndOffset)
        advanceHighWatermark()
    }

    /// Records a replica's log end offset; returns the new high watermark when it moved.
    @discardableResult
    public mutating func updateLogEndOffset(replica: Int32, to offset: Int64) -> Int64? {
        logEndOffsets[replica] = offset
        return advanceHighWatermark()
    }

    /// Whether acks=all may write: the ISR must hold at least `minInsyncReplicas` replicas
    /// (otherwise NOT_ENOUGH_REPLICAS, before anything is appended).
    public func hasEnoughInsyncReplicas(_ minInsyncReplicas: Int) -> Bool { isr.count >= minInsyncReplicas }

    /// Whether an acks=all write that ends at `offset` (exclusive) is now acknowledged.
    public func isAcknowledged(upTo offset: Int64) -> Bool { highWatermark >= offset }

    /// The high watermark is the smallest log end offset in the ISR, and it never moves back.
    @discardableResult
    private mutating func advanceHighWatermark() -> Int64? {
        let candidate = isr.compactMap { logEndOffsets[$0] }.min() ?? highWatermark
        guard candidate > highWatermark else { return nil }
        highWatermark = candidate
        return candidate
    }
}
