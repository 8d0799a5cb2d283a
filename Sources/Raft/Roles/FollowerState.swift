import NIOCore

/// Following `leaderId` in `epoch` (Kafka's `FollowerState`): fetches from the leader one request at a
/// time; a voter that has had no successful fetch by `fetchDeadline` becomes a candidate.
public struct FollowerState: Sendable, Hashable {
    public var epoch: Int32
    public var leaderId: Int32
    public var fetchDeadline: Int64
    /// When the fetch in flight was sent (nil: none in flight).
    public var fetchSentAt: Int64?
    /// Where the log ended when that fetch was sent: an answer applies only to a log still ending
    /// there (a late or duplicated answer to an earlier fetch is ignored, as Kafka ignores answers
    /// that do not match its one fetch in flight).
    public var fetchPosition: OffsetAndEpoch?
    /// The leader's snapshot being downloaded instead of entries (KIP-630), while the log is too far
    /// behind the leader's start to fetch entries.
    public var snapshotDownload: SnapshotDownload?

    /// A snapshot download in progress: the bytes received so far, in order.
    public struct SnapshotDownload: Sendable, Hashable {
        public var id: OffsetAndEpoch
        public var received: ByteBuffer
    }
}
