import KafkaRecords
import NIOCore
import SystemPackage

/// The log of one partition on disk (the local part of Kafka's UnifiedLog): a directory of segments,
/// appended to by the leader or a follower, read by offset or time, rolled, truncated, trimmed by
/// retention and recovered after a crash.
///
/// Thread-safe. Appends and other changes serialise on one lock per partition (`Locked`); a read plans under the
/// lock (which segment, where in the index) and does its file I/O outside it. Time is passed in as
/// milliseconds (`now`), so tests control it.
public final class PartitionLog: Sendable {
    public let topicPartition: TopicPartition
    /// `<data-dir>/<topic>-<partition>`.
    public let directory: FilePath
    let fileSystem: any LogFileSystem
    let state: Locked<PartitionLogState>

    init(topicPartition: TopicPartition, directory: FilePath, fileSystem: any LogFileSystem, state: PartitionLogState) {
        self.topicPartition = topicPartition
        self.directory = directory
        self.fileSystem = fileSystem
        self.state = Locked(state)
    }

    /// Runs `body` under the lock, failing when the log was closed.
    func withOpenState<T: Sendable>(_ body: (inout PartitionLogState) throws(LogStorageError) -> T) throws(LogStorageError) -> T {
        let name = topicPartition.description
        return try state.withLock { (state: inout PartitionLogState) throws(LogStorageError) -> T in
            guard !state.isClosed else { throw .logClosed(name) }
            return try body(&state)
        }
    }

    func withStateSnapshot<T: Sendable>(_ body: (borrowing PartitionLogState) -> T) -> T {
        state.withLock { body($0) }
    }

    // MARK: Offsets and sizes

    /// The first offset a consumer can read.
    public var logStartOffset: Int64 { withStateSnapshot { $0.logStartOffset } }
    /// The offset the next append gets.
    public var logEndOffset: Int64 { withStateSnapshot { $0.logEndOffset } }
    /// The offset below which records are committed, as the replication layer last set it.
    public var highWatermark: Int64 { withStateSnapshot { $0.highWatermark } }
    /// Offsets below it are fsynced.
    public var recoveryPoint: Int64 { withStateSnapshot { $0.recoveryPoint } }
    /// Bytes in all segments.
    public var sizeInBytes: Int64 { withStateSnapshot { $0.sizeInBytes } }
    /// The base offsets of the segments, oldest first.
    public var segmentBaseOffsets: [Int64] { withStateSnapshot { $0.segments.map(\.baseOffset) } }
    public var config: LogConfig { withStateSnapshot { $0.config } }
    public var isClosed: Bool { withStateSnapshot { $0.isClosed } }

    /// Changes the settings; they apply from the next append or retention pass.
    public func updateConfig(_ config: LogConfig) {
        state.withLock { $0.config = config }
    }

    /// Sets the high watermark (clamped to `[logStartOffset, logEndOffset]`) and returns it.
    @discardableResult
    public func updateHighWatermark(_ offset: Int64) -> Int64 {
        state.withLock { state in
            state.highWatermark = min(max(offset, state.logStartOffset), state.logEndOffset)
            return state.highWatermark
        }
    }

    // MARK: Producers

    /// The idempotent producer's state on this partition, if known.
    public func producerState(for producerId: Int64) -> ProducerStateEntry? {
        withStateSnapshot { $0.producers.entry(for: producerId) }
    }

    /// All known producers.
    public var producerStates: [Int64: ProducerStateEntry] { withStateSnapshot { $0.producers.producers } }

    // MARK: Leader epochs

    /// The latest leader epoch that wrote to this log.
    public var latestEpoch: Int32? { withStateSnapshot { $0.epochs.latestEpoch } }
    public var leaderEpochEntries: [LeaderEpochCache.Entry] { withStateSnapshot { $0.epochs.entries } }

    /// Kafka's `endOffsetForEpoch` (OffsetForLeaderEpoch): the largest epoch ≤ `epoch` and where it ended.
    public func endOffset(forEpoch epoch: Int32) -> (epoch: Int32, endOffset: Int64) {
        withStateSnapshot { $0.epochs.endOffset(forEpoch: epoch, logEndOffset: $0.logEndOffset) }
    }

    /// Records that `epoch` starts at `startOffset`, as a new leader does with its log end offset
    /// (Kafka's maybeAssignEpochStartOffset). Writes `leader-epoch-checkpoint` when it changed.
    public func assignEpochStartOffset(epoch: Int32, startOffset: Int64) throws(LogStorageError) {
        try withOpenState { (state: inout PartitionLogState) throws(LogStorageError) in
            if state.epochs.assign(epoch: epoch, startOffset: startOffset) { try writeEpochCheckpoint(state.epochs) }
        }
    }

    func writeEpochCheckpoint(_ epochs: LeaderEpochCache) throws(LogStorageError) {
        let text = LeaderEpochCheckpointFile.encode(epochs.entries)
        try fileSystem.writeFileAtomically(ByteBuffer(string: text), to: directory.appending(LeaderEpochCheckpointFile.fileName))
    }

    // MARK: Closing

    /// Flushes everything, writes the final index entries and closes. Reads already planned keep their
    /// slices; every later call throws `.logClosed`.
    public func close(now: Int64) throws(LogStorageError) {
        try withOpenState { (state: inout PartitionLogState) throws(LogStorageError) in
            try flushLocked(&state, now: now)
            for segment in state.segments { try segment.becomeInactive(syncingIndexes: segment === state.activeSegment) }
            state.isClosed = true
        }
    }

    /// Marks the log closed without writing anything (its directory is about to be deleted, or the
    /// process is simulating a crash).
    public func closeWithoutFlush() {
        state.withLock { $0.isClosed = true }
    }
}
