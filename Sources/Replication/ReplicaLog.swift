import LogStorage

/// The local log as the replica state machine sees it: offsets, the leader-epoch cache, reads for
/// fetches, and the follower's writes (append, truncate). `PartitionLog` in LogStorage can stand
/// behind it in the broker; a simulation uses an in-memory log.
///
/// The leader's own appends are not here: the shell appends a produce request itself and tells
/// `PartitionLeader` the new log end offset.
public protocol ReplicaLog {
    associatedtype Batch: ReplicaBatch

    var logStartOffset: Int64 { get }
    /// The offset the next record gets (LEO).
    var logEndOffset: Int64 { get }
    /// The epoch of the latest leader-epoch cache entry (a follower's `lastFetchedEpoch`).
    var latestEpoch: Int32? { get }

    /// Kafka's `endOffsetForEpoch`: the largest epoch ≤ `epoch` and the offset where it ended,
    /// `(LeaderEpochCache.undefinedEpoch, LeaderEpochCache.undefinedEpochOffset)` when unknown.
    func endOffset(forEpoch epoch: Int32) -> (epoch: Int32, endOffset: Int64)

    /// Whole batches from the one holding `offset`, none at or beyond `maxOffset`, within `limit`
    /// (bytes for a file log; at least one batch when any is available).
    func read(from offset: Int64, upTo maxOffset: Int64, limit: Int) -> [Batch]

    /// Appends batches copied from the leader, with the leader's offsets and epochs; records the
    /// batches' epochs in the leader-epoch cache.
    mutating func appendAsFollower(_ batches: [Batch]) throws(ReplicationLogError)

    /// Removes every record at or after `offset` and the leader-epoch entries starting there. At or
    /// beyond the log end it must still drop entries starting at the log end (an epoch this replica
    /// began as leader without writing to it), as Kafka's `truncateTo` and `PartitionLog.truncate` do:
    /// otherwise the follower keeps sending that epoch and never gets past the divergence.
    mutating func truncate(to offset: Int64)

    /// Records that `epoch` starts at `startOffset` (a new leader does this with its LEO, KIP-279).
    mutating func assignEpochStartOffset(epoch: Int32, startOffset: Int64)
}

/// Why a follower's append failed.
public enum ReplicationLogError: Error, Sendable, Hashable {
    /// The first batch does not start at the log end.
    case unexpectedAppendOffset(firstOffset: Int64, logEndOffset: Int64)
    /// The underlying log refused the write.
    case storage(String)
}
