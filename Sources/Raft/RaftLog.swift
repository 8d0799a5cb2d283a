/// The log a quorum replicates (Kafka's `ReplicatedLog`), behind a protocol so the quorum does no I/O:
/// the broker backs it with `__cluster_metadata-0` on disk, a simulation with memory.
///
/// Appends are durable when they return (the metadata log is flushed on every append), so what a node
/// reports to its leader is on its disk.
public protocol RaftLog: AnyObject {
    /// The offset the next entry gets.
    var endOffset: Int64 { get }
    /// The epoch of the last entry (0 when empty).
    var lastEpoch: Int32 { get }
    /// Up to `maxCount` entries from `offset` on.
    func entries(from offset: Int64, maxCount: Int) -> [RaftEntry]
    /// Appends entries whose offsets continue the log.
    func append(_ entries: [RaftEntry])
    /// Removes every entry at or after `offset`.
    func truncate(to offset: Int64)
    /// Kafka's `endOffsetForEpoch`: the largest epoch ≤ `epoch` that the log has, and the offset where
    /// the log moves past it (the next epoch's first offset, or the log end). (offset 0, epoch 0) when
    /// the log has nothing at or below `epoch`.
    func endOffset(forEpoch epoch: Int32) -> OffsetAndEpoch
}

extension RaftLog {
    /// Where the log ends, with its last epoch: what a candidate or a fetching follower presents.
    public var endOffsetAndEpoch: OffsetAndEpoch { OffsetAndEpoch(offset: endOffset, epoch: lastEpoch) }
}
