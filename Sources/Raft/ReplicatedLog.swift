import KafkaRecords
import NIOCore

/// The log a quorum replicates (Kafka's `ReplicatedLog`): the metadata log, `__cluster_metadata-0`.
/// Behind a protocol so the quorum logic does no I/O and a simulation can supply an in-memory log.
public protocol ReplicatedLog: Sendable {
    /// The offset the next record gets.
    var logEndOffset: Int64 { get }
    /// Appends one batch of record values as leader, stamped with `epoch`; returns the first offset.
    func appendAsLeader(_ values: [ByteBuffer], epoch: Int32, now: Int64) throws -> Int64
    /// Makes everything appended durable (fsync): the metadata log is always flushed before commit.
    func flush(now: Int64) throws
    /// Record values from `offset` up to (not including) `upTo`, with their offsets; control records skipped.
    func read(from offset: Int64, upTo: Int64) throws -> [(offset: Int64, value: ByteBuffer)]
}
