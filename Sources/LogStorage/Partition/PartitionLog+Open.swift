import KafkaRecords
import NIOCore
import SystemPackage

extension PartitionLog {
    /// What a partition log starts from, besides its directory: the data directory's checkpoints.
    public struct OpenOptions: Sendable {
        /// From `recovery-point-offset-checkpoint`: offsets below it were fsynced, so after a crash only
        /// the segments from the one holding it on are scanned.
        public var recoveryPoint: Int64 = 0
        /// From `log-start-offset-checkpoint`.
        public var logStartOffset: Int64?
        /// From `replication-offset-checkpoint`.
        public var highWatermark: Int64?
        /// Whether `.kafka_cleanshutdown` was present: the files are then trusted without a CRC scan.
        public var hadCleanShutdown = false

        public init(recoveryPoint: Int64 = 0, logStartOffset: Int64? = nil, highWatermark: Int64? = nil, hadCleanShutdown: Bool = false) {
            self.recoveryPoint = recoveryPoint
            self.logStartOffset = logStartOffset
            self.highWatermark = highWatermark
            self.hadCleanShutdown = hadCleanShutdown
        }
    }

    /// Opens (or creates, when the directory is missing or empty) the log in `directory`, recovering it
    /// as Kafka's LogLoader does, and reports what it repaired.
    public static func open(
        directory: FilePath, topicPartition: TopicPartition, config: LogConfig = .default,
        fileSystem: any LogFileSystem, options: OpenOptions = OpenOptions(), now: Int64
    ) throws(LogStorageError) -> (log: PartitionLog, report: LogRecoveryReport) {
        var loader = PartitionLogLoader(
            directory: directory, topicPartition: topicPartition, config: config, fileSystem: fileSystem,
            options: options, now: now)
        let state = try loader.load()
        let log = PartitionLog(topicPartition: topicPartition, directory: directory, fileSystem: fileSystem, state: state)
        return (log, loader.report)
    }
}

/// Kafka's LogLoader: cleans leftovers, opens trusted segments, recovers the rest with CRC checks,
/// and rebuilds producer state and leader epochs from what survived.
struct PartitionLogLoader {
    let directory: FilePath
    let topicPartition: TopicPartition
    let config: LogConfig
    let fileSystem: any LogFileSystem
    let options: PartitionLog.OpenOptions
    let now: Int64
    var report: LogRecoveryReport

    init(
        directory: FilePath, topicPartition: TopicPartition, config: LogConfig, fileSystem: any LogFileSystem,
        options: PartitionLog.OpenOptions, now: Int64
    ) {
        self.directory = directory
        self.topicPartition = topicPartition
        self.config = config
        self.fileSystem = fileSystem
        self.options = options
        self.now = now
        self.report = LogRecoveryReport(topicPartition: topicPartition, hadCleanShutdown: options.hadCleanShutdown)
    }

    mutating func load() throws(LogStorageError) -> PartitionLogState {
        try fileSystem.createDirectory(at: directory)
        let baseOffsets = try removeLeftoversAndListSegments()
        var epochs = readEpochCheckpoint()
        var producers = ProducerStateManager()
        var segments = try loadSegments(baseOffsets, epochs: &epochs, producers: &producers)
        let checkpointedStart = options.logStartOffset ?? 0
        var logEnd = segments.last?.nextOffset ?? 0
        if segments.isEmpty || checkpointedStart > logEnd {
            // No data, or the checkpointed log start lies beyond what survived: start over there.
            if !segments.isEmpty {
                report.warnings.append("log start offset \(checkpointedStart) is beyond the log end \(logEnd): starting empty")
                for segment in segments { _ = try? removeSegmentFiles(segment) }
                producers.removeAll()
            }
            segments = [try LogSegment.create(directory: directory, baseOffset: checkpointedStart, config: config, fileSystem: fileSystem, now: now)]
            logEnd = checkpointedStart
        }
        let logStart = min(max(checkpointedStart, segments[0].baseOffset), logEnd)
        var epochsChanged = epochs.truncateFromEnd(endOffset: logEnd)
        epochsChanged = epochs.truncateFromStart(startOffset: logStart) || epochsChanged
        if epochsChanged { try writeEpochCheckpoint(epochs) }
        report.logStartOffset = logStart
        report.logEndOffset = logEnd
        var state = PartitionLogState(
            config: config, segments: segments, logStartOffset: logStart,
            highWatermark: min(max(options.highWatermark ?? logStart, logStart), logEnd),
            recoveryPoint: logEnd, lastFlushMs: now)
        state.producers = producers
        state.epochs = epochs
        return state
    }

    /// Removes what a crash or an earlier deletion left behind and returns the segments' base offsets.
    private mutating func removeLeftoversAndListSegments() throws(LogStorageError) -> [Int64] {
        let names = try fileSystem.contentsOfDirectory(at: directory)
        var baseOffsets: [Int64] = []
        for name in names {
            if let base = LogFileNames.baseOffset(ofLogFile: name) { baseOffsets.append(base) }
        }
        let known = Set(baseOffsets.map(LogFileNames.prefix))
        for name in names {
            let isIndex = name.hasSuffix(LogFileNames.indexSuffix) || name.hasSuffix(LogFileNames.timeIndexSuffix)
            let isOrphanIndex = isIndex && !known.contains(String(name.prefix { $0 != "." }))
            if name.hasSuffix(LogFileNames.deletedSuffix) || name.hasSuffix(".tmp") || isOrphanIndex {
                try fileSystem.removeItem(at: directory.appending(name))
                report.removedFiles.append(name)
            }
        }
        return baseOffsets.sorted()
    }

    private mutating func readEpochCheckpoint() -> LeaderEpochCache {
        let path = directory.appending(LeaderEpochCheckpointFile.fileName)
        do {
            guard let bytes = try fileSystem.readFileIfExists(at: path) else { return LeaderEpochCache() }
            return LeaderEpochCache(entries: try LeaderEpochCheckpointFile.decode(String(buffer: bytes)))
        } catch {
            report.warnings.append("ignored unreadable \(LeaderEpochCheckpointFile.fileName): \(error)")
            return LeaderEpochCache()
        }
    }

    private func writeEpochCheckpoint(_ epochs: LeaderEpochCache) throws(LogStorageError) {
        let text = LeaderEpochCheckpointFile.encode(epochs.entries)
        try fileSystem.writeFileAtomically(ByteBuffer(string: text), to: directory.appending(LeaderEpochCheckpointFile.fileName))
    }

    /// Opens the trusted segments and recovers the others; stops at the first corrupt one and deletes
    /// the segments after it.
    private mutating func loadSegments(
        _ baseOffsets: [Int64], epochs: inout LeaderEpochCache, producers: inout ProducerStateManager
    ) throws(LogStorageError) -> [LogSegment] {
        // After a crash, scan from the segment holding the recovery point (Kafka's LogLoader.recoverLog).
        let firstToRecover = options.hadCleanShutdown
            ? baseOffsets.count
            : (baseOffsets.lastIndex { $0 <= options.recoveryPoint } ?? 0)
        let logStart = options.logStartOffset ?? 0
        var segments: [LogSegment] = []
        for (index, base) in baseOffsets.enumerated() {
            let expectedFirst = segments.last?.nextOffset ?? base
            if index < firstToRecover {
                let (segment, result) = try LogSegment.open(directory: directory, baseOffset: base, config: config, fileSystem: fileSystem, now: now)
                note(result, base: base)
                try segment.forEachBatchHeader { header in
                    if header.lastOffset >= logStart { producers.replay(header.producerBatch) }
                }
                segments.append(segment)
                if result.truncatedBytes > 0 {
                    try deleteSegments(baseOffsets[(index + 1)...])
                    break
                }
                continue
            }
            let segment = try openForRecovery(base)
            report.recoveredSegments.append(base)
            let result = try segment.rebuild(validating: true, expectedFirstOffset: expectedFirst) { header in
                if header.partitionLeaderEpoch >= 0, header.partitionLeaderEpoch > (epochs.latestEpoch ?? -1) {
                    epochs.assign(epoch: header.partitionLeaderEpoch, startOffset: header.baseOffset)
                }
                if header.lastOffset >= logStart { producers.replay(header.producerBatch) }
            }
            note(result, base: base)
            segments.append(segment)
            if result.reason != nil {
                try deleteSegments(baseOffsets[(index + 1)...])
                break
            }
        }
        try syncRecovered(segments, from: firstToRecover)
        return segments
    }

    private func openForRecovery(_ base: Int64) throws(LogStorageError) -> LogSegment {
        let log = try fileSystem.openFile(at: LogFileNames.logFile(directory, base), create: false)
        let offsetPath = LogFileNames.indexFile(directory, base)
        let timePath = LogFileNames.timeIndexFile(directory, base)
        return LogSegment(
            baseOffset: base, directory: directory, fileSystem: fileSystem, log: log, size: try log.size(), config: config,
            offsetIndexFile: IndexFile(path: offsetPath, entrySize: OffsetIndex.entrySize, file: nil, persistedCount: 0),
            timeIndexFile: IndexFile(path: timePath, entrySize: TimeIndex.entrySize, file: nil, persistedCount: 0),
            now: now)
    }

    private mutating func note(_ result: SegmentScanResult, base: Int64) {
        if result.rebuiltIndexes { report.rebuiltIndexes.append(base) }
        if result.truncatedBytes > 0 || result.reason != nil {
            report.truncations.append(LogRecoveryReport.Truncation(
                segmentBaseOffset: base, validBytes: result.validBytes, truncatedBytes: result.truncatedBytes,
                reason: result.reason ?? "truncated"))
        }
    }

    private mutating func deleteSegments(_ bases: ArraySlice<Int64>) throws(LogStorageError) {
        for base in bases {
            for path in [LogFileNames.logFile(directory, base), LogFileNames.indexFile(directory, base), LogFileNames.timeIndexFile(directory, base)] {
                try fileSystem.removeItem(at: path)
            }
            report.deletedSegments.append(base)
        }
    }

    private func removeSegmentFiles(_ segment: LogSegment) throws(LogStorageError) {
        for path in segment.filePaths { try fileSystem.removeItem(at: path) }
    }

    /// Recovery repaired files; make the repairs durable so the recovery point may move to the end.
    private func syncRecovered(_ segments: [LogSegment], from index: Int) throws(LogStorageError) {
        guard index < segments.count else { return }
        for segment in segments[index...] { try segment.flush() }
        try fileSystem.syncDirectory(at: directory)
    }
}
