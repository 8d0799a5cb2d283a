/// The consumer's settings, named after Kafka's consumer configs, with Kafka's defaults.
///
/// Group settings matter once `groupId` is set: `subscribe` then joins the group, and `commit` /
/// `committed` (and positions of newly assigned partitions) use the group's committed offsets.
public struct ConsumerConfiguration: Sendable {
    /// `auto.offset.reset`: where to start when a partition has no position or its position is out of
    /// range.
    public enum OffsetReset: String, Sendable {
        case earliest, latest
        /// Fail `poll` with `.offsetOutOfRange` instead.
        case none
    }

    /// `isolation.level`: whether records of open and aborted transactions are returned.
    public enum IsolationLevel: Int8, Sendable {
        /// Everything up to the high watermark, aborted transactions included (Kafka's default).
        case readUncommitted = 0
        /// Only up to the last stable offset, without records of aborted transactions.
        case readCommitted = 1
    }

    public var autoOffsetReset: OffsetReset = .latest
    public var isolationLevel: IsolationLevel = .readUncommitted
    /// `fetch.max.wait.ms`: how long the broker may hold a fetch waiting for `fetch.min.bytes`.
    public var fetchMaxWait: Duration = .milliseconds(500)
    /// `fetch.min.bytes`.
    public var fetchMinBytes: Int32 = 1
    /// `fetch.max.bytes`: per fetch response (a first batch larger than this still comes back).
    public var fetchMaxBytes: Int32 = 52_428_800
    /// `max.partition.fetch.bytes`.
    public var maxPartitionFetchBytes: Int32 = 1_048_576
    /// `max.poll.records`.
    public var maxPollRecords: Int = 500
    /// `check.crcs`: verify each batch's CRC-32C before handing out its records.
    public var checkCRCs: Bool = true

    /// `group.id`: the consumer group to join (`subscribe`) and to commit offsets for.
    public var groupId: String?
    /// `group.instance.id`: a stable identity that makes this member static (KIP-345): it keeps its
    /// partitions across restarts within `sessionTimeout` and sends no LeaveGroup on close.
    public var groupInstanceId: String?
    /// `session.timeout.ms` (45 s, Kafka 3.x): without a heartbeat for this long, the coordinator
    /// evicts the member.
    public var sessionTimeout: Duration = .seconds(45)
    /// `heartbeat.interval.ms` (3 s).
    public var heartbeatInterval: Duration = .seconds(3)
    /// `max.poll.interval.ms` (5 min): a member that does not poll for this long leaves the group; also
    /// sent as the rebalance timeout.
    public var maxPollInterval: Duration = .seconds(300)
    /// `partition.assignment.strategy`, in order of preference. Kafka's Java client default
    /// `[range, cooperative-sticky]` (librdkafka's is `range,roundrobin`): range is picked while every
    /// member supports it, and the group rebalances eagerly until range is removed from every member's
    /// list; `[CooperativeStickyAssignor()]` alone rebalances cooperatively.
    public var assignors: [any PartitionAssignor] = [RangeAssignor(), CooperativeStickyAssignor()]
    /// `enable.auto.commit` (true): commit consumed positions every `autoCommitInterval`, before a
    /// rebalance and on close.
    public var enableAutoCommit: Bool = true
    /// `auto.commit.interval.ms` (5 s).
    public var autoCommitInterval: Duration = .seconds(5)
    /// `allow.auto.create.topics` (true): subscribing to a missing topic may create it, if the broker
    /// allows (`auto.create.topics.enable`).
    public var allowAutoCreateTopics: Bool = true

    public init() {}
}
