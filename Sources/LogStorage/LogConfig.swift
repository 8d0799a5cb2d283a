import KafkaRecords

/// The per-topic settings of a partition log, with Kafka's names and defaults, so a learner can set
/// `segment.bytes` on Gregor and see what Kafka's docs describe.
///
/// Times are milliseconds, sizes bytes. `-1` means "unlimited" where Kafka says so.
public struct LogConfig: Sendable, Hashable {
    /// `segment.bytes`: roll a new segment when the active one would grow beyond this. Default 1 GiB.
    public var segmentBytes: Int = 1_073_741_824
    /// `segment.ms`: roll when the active segment's first batch is this much older than a new batch.
    /// Default 7 days.
    public var segmentMs: Int64 = 604_800_000
    /// `segment.index.bytes`: the largest `.index` file (and, in entries, `.timeindex`); roll when full.
    /// Default 10 MiB.
    public var segmentIndexBytes: Int = 10_485_760
    /// `index.interval.bytes`: bytes appended between two offset index entries. Default 4096.
    public var indexIntervalBytes: Int = 4096
    /// `retention.ms`: delete segments whose newest record is older than this; -1 keeps them forever.
    /// Default 7 days.
    public var retentionMs: Int64 = 604_800_000
    /// `retention.bytes`: delete the oldest segments while the partition is larger than this; -1 (the
    /// default) means no size limit.
    public var retentionBytes: Int64 = -1
    /// `flush.messages`: fsync after this many records appended since the last flush. Default
    /// `Int64.max`: never, the OS writes back (as Kafka). `1` is the broker's `--fsync always`.
    public var flushMessages: Int64 = .max
    /// `flush.ms`: fsync when the last flush is this old (checked by `flushIfDue(now:)`). Default never.
    public var flushMs: Int64 = .max
    /// `file.delete.delay.ms`: how long a deleted segment stays as `.deleted` files before removal.
    /// Default 60 s. Readers holding a slice keep the file readable regardless.
    public var fileDeleteDelayMs: Int64 = 60_000
    /// `message.timestamp.type`: `CreateTime` keeps the producer's timestamps, `LogAppendTime` stamps
    /// the broker's clock into each batch on append.
    public var messageTimestampType: TimestampType = .createTime
    /// `producer.id.expiration.ms` (a broker setting in Kafka): forget an idle idempotent producer after
    /// this long. Default 1 day.
    public var producerIdExpirationMs: Int64 = 86_400_000

    public init() {}

    /// Kafka's defaults.
    public static let `default` = LogConfig()

    /// `flush.messages=1`: every append is fsynced before it returns (`--fsync always`).
    public var fsyncsEveryAppend: Bool {
        get { flushMessages <= 1 }
        set { flushMessages = newValue ? 1 : .max }
    }

    /// The most entries the offset index may hold before the segment rolls.
    var maxOffsetIndexEntries: Int { max(1, segmentIndexBytes / OffsetIndex.entrySize) }
    /// The most entries the time index may hold before the segment rolls.
    var maxTimeIndexEntries: Int { max(1, segmentIndexBytes / TimeIndex.entrySize) }
}
