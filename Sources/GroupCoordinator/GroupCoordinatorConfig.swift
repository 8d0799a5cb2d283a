/// The broker configs that shape groups and offsets, with Kafka's names and defaults.
public struct GroupCoordinatorConfig: Sendable, Hashable {
    /// `group.min.session.timeout.ms`: shorter session timeouts are refused (INVALID_SESSION_TIMEOUT).
    public var minSessionTimeoutMs: Int32 = 6000
    /// `group.max.session.timeout.ms`.
    public var maxSessionTimeoutMs: Int32 = 1_800_000
    /// `group.initial.rebalance.delay.ms`: how long a new group waits for more members before its
    /// first generation.
    public var initialRebalanceDelayMs: Int64 = 3000
    /// `group.max.size`.
    public var maxGroupSize: Int = Int(Int32.max)
    /// `offset.metadata.max.bytes`: larger commit metadata gets OFFSET_METADATA_TOO_LARGE.
    public var offsetMetadataMaxBytes: Int = 4096
    /// `offsets.retention.minutes` in ms: how long offsets outlive an empty group (KIP-211).
    public var offsetsRetentionMs: Int64 = 7 * 24 * 60 * 60 * 1000
    /// How long a member that joined but never completed a rebalance is kept (Kafka's fixed 5 minutes).
    public var newMemberJoinTimeoutMs: Int64 = 5 * 60 * 1000

    public init() {}
}
