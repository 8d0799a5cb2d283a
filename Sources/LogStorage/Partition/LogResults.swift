import KafkaRecords

/// What an append did, for the produce response (Kafka's LogAppendInfo).
public struct LogAppendResult: Sendable, Hashable {
    /// Offset of the first record appended (or, for a duplicate, of the original batch).
    public var firstOffset: Int64
    /// Offset of the last record appended.
    public var lastOffset: Int64
    /// The broker's time stamped into the batches with `LogAppendTime`, else -1.
    public var logAppendTime: Int64
    /// The largest batch timestamp appended, and the last offset of the batch carrying it.
    public var maxTimestamp: Int64
    public var offsetOfMaxTimestamp: Int64
    /// The log start offset after the append (produce responses carry it).
    public var logStartOffset: Int64
    /// The log end offset after the append.
    public var logEndOffset: Int64
    public var batchCount: Int
    public var recordCount: Int
    public var sizeInBytes: Int
    /// A retry of a batch already in the log: nothing was appended, offsets are the original ones.
    public var isDuplicate: Bool
}

/// The result of a read: slices of segment files to send as they are (Kafka's FetchDataInfo).
public struct LogReadResult: Sendable {
    /// Slices in offset order; empty when nothing is readable.
    public var slices: [LogFileSlice]
    /// The offset the read asked for.
    public var fetchOffset: Int64
    /// The partition's offsets when the read was planned.
    public var logStartOffset: Int64
    public var logEndOffset: Int64
    public var highWatermark: Int64
    /// The first batch was larger than `maxBytes` and `minOneBatch` was false, so nothing was read.
    public var firstBatchTooLarge: Bool

    /// Bytes in all slices.
    public var sizeInBytes: Int { slices.reduce(0) { $0 + $1.length } }
}

/// An offset found by time (ListOffsets), with the leader epoch of its batch when known.
public struct TimestampAndOffset: Sendable, Hashable {
    public var timestamp: Int64
    public var offset: Int64
    public var leaderEpoch: Int32?

    public init(timestamp: Int64, offset: Int64, leaderEpoch: Int32?) {
        self.timestamp = timestamp
        self.offset = offset
        self.leaderEpoch = leaderEpoch
    }
}

/// What retention did in one pass.
public struct RetentionResult: Sendable, Hashable {
    /// Base offsets of the segments deleted.
    public var deletedSegments: [Int64] = []
    /// The log start offset afterwards.
    public var logStartOffset: Int64
    /// Files removed for good in this pass (after `file.delete.delay.ms`).
    public var removedFiles: Int = 0
}

/// What opening a partition log found and repaired, for the broker to log (LogStorage has no logger).
public struct LogRecoveryReport: Sendable, Hashable {
    /// A segment whose end was cut off.
    public struct Truncation: Sendable, Hashable {
        public var segmentBaseOffset: Int64
        public var validBytes: Int64
        public var truncatedBytes: Int64
        public var reason: String
    }

    public var topicPartition: TopicPartition
    public var hadCleanShutdown: Bool
    /// Segments read batch by batch with CRC checks (from the recovery point on).
    public var recoveredSegments: [Int64] = []
    public var truncations: [Truncation] = []
    /// Segments removed because an earlier one was corrupt.
    public var deletedSegments: [Int64] = []
    /// Segments whose `.index`/`.timeindex` were rebuilt from the `.log`.
    public var rebuiltIndexes: [Int64] = []
    /// Leftover files removed (`*.deleted`, orphan indexes, temporary files).
    public var removedFiles: [String] = []
    /// Things that were odd but handled (an unreadable checkpoint, say).
    public var warnings: [String] = []
    public var logStartOffset: Int64 = 0
    public var logEndOffset: Int64 = 0

    /// Whether anything was repaired or removed.
    public var repairedAnything: Bool { !truncations.isEmpty || !deletedSegments.isEmpty || !rebuiltIndexes.isEmpty }
}
