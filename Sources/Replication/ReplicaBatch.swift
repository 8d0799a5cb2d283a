/// What replication needs to know of a record batch: the offsets it covers and the leader epoch that
/// wrote it. The bytes stay the log's business (a file slice in the broker, values in a simulation).
public protocol ReplicaBatch: Sendable {
    var baseOffset: Int64 { get }
    /// The offset of the batch's last record (inclusive).
    var lastOffset: Int64 { get }
    /// The leader epoch stamped into the batch (`partitionLeaderEpoch`).
    var epoch: Int32 { get }
}

extension ReplicaBatch {
    /// The offset after the batch.
    public var nextOffset: Int64 { lastOffset + 1 }
}
