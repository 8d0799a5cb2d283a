/// The consumer's settings, named after Kafka's consumer configs, with Kafka's defaults.
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

    public init() {}
}
