import KafkaRecords
import NIOCore
import SystemPackage

/// All partition logs of one data directory (Kafka's LogManager for one `log.dirs` entry): opens and
/// recovers them at start-up, creates and deletes them, writes the directory's checkpoint files and
/// the clean-shutdown marker, and holds the directory's `.lock` so that two brokers never share it.
///
/// The metadata quorum's log (`__cluster_metadata-0`) lives in the same directory but is not opened
/// here: the Raft module owns it.
public final class LogManager: Sendable {
    /// `.kafka_cleanshutdown`: written after a clean close, removed at open. Its absence at open means
    /// the broker crashed, and logs are recovered from their recovery points.
    public static let cleanShutdownFileName = ".kafka_cleanshutdown"
    /// The topic of the metadata log, skipped by `open`.
    public static let metadataTopic = "__cluster_metadata"

    struct State {
        var logs: [TopicPartition: PartitionLog] = [:]
        var topicIds: [TopicPartition: String] = [:]
        var isClosed = false
    }

    public let dataDirectory: FilePath
    let fileSystem: any LogFileSystem
    let directoryLock: any LogDirectoryLock
    let configForTopic: @Sendable (String) -> LogConfig
    let state: Locked<State>

    init(dataDirectory: FilePath, fileSystem: any LogFileSystem, directoryLock: any LogDirectoryLock,
         configForTopic: @escaping @Sendable (String) -> LogConfig, state: State) {
        self.dataDirectory = dataDirectory
        self.fileSystem = fileSystem
        self.directoryLock = directoryLock
        self.configForTopic = configForTopic
        self.state = Locked(state)
    }

    // MARK: Logs

    /// The log of a partition, if this directory has it.
    public func log(for topicPartition: TopicPartition) -> PartitionLog? {
        state.withLock { $0.logs[topicPartition] }
    }

    /// Every partition, sorted.
    public var topicPartitions: [TopicPartition] { state.withLock { $0.logs.keys.sorted() } }

    /// The topic id from the partition's `partition.metadata`, if it has one.
    public func topicId(for topicPartition: TopicPartition) -> String? {
        state.withLock { $0.topicIds[topicPartition] }
    }

    /// The partition's log, created empty (directory, first segment, `partition.metadata` with
    /// `topicId`) when missing.
    public func getOrCreateLog(
        _ topicPartition: TopicPartition, topicId: String? = nil, config: LogConfig? = nil, now: Int64
    ) throws(LogStorageError) -> PartitionLog {
        try withOpenState { (state: inout State) throws(LogStorageError) -> PartitionLog in
            if let log = state.logs[topicPartition] { return log }
            guard !topicPartition.topic.isEmpty, !topicPartition.topic.contains("/"), topicPartition.partition >= 0 else {
                throw .invalidArgument("bad topic partition '\(topicPartition)'")
            }
            let directory = dataDirectory.appending(PartitionDirectoryName.name(topicPartition))
            try fileSystem.createDirectory(at: directory)
            if let topicId {
                let text = PartitionMetadataFile.encode(topicId: topicId)
                try fileSystem.writeFileAtomically(ByteBuffer(string: text), to: directory.appending(PartitionMetadataFile.fileName))
                state.topicIds[topicPartition] = topicId
            }
            let (log, _) = try PartitionLog.open(
                directory: directory, topicPartition: topicPartition, config: config ?? configForTopic(topicPartition.topic),
                fileSystem: fileSystem, options: .init(hadCleanShutdown: true), now: now)
            try fileSystem.syncDirectory(at: dataDirectory)
            state.logs[topicPartition] = log
            return log
        }
    }

    /// Deletes a partition: closes its log, renames its directory to `<topic>-<partition>.<id>-delete`
    /// (so a crash midway leaves a name `open` knows to remove) and removes it. Reads in flight keep
    /// their open files.
    public func deleteLog(_ topicPartition: TopicPartition) throws(LogStorageError) {
        try withOpenState { (state: inout State) throws(LogStorageError) in
            guard let log = state.logs.removeValue(forKey: topicPartition) else { return }
            state.topicIds.removeValue(forKey: topicPartition)
            log.closeWithoutFlush()
            let doomed = dataDirectory.appending(PartitionDirectoryName.deletionName(topicPartition))
            try fileSystem.rename(from: log.directory, to: doomed)
            try fileSystem.syncDirectory(at: dataDirectory)
            try fileSystem.removeItem(at: doomed)
        }
    }

    func withOpenState<T: Sendable>(_ body: (inout State) throws(LogStorageError) -> T) throws(LogStorageError) -> T {
        let path = dataDirectory.string
        return try state.withLock { (state: inout State) throws(LogStorageError) -> T in
            guard !state.isClosed else { throw .logClosed(path) }
            return try body(&state)
        }
    }

    var openLogs: [TopicPartition: PartitionLog] { state.withLock { $0.logs } }

    // MARK: Periodic work

    /// Runs a retention pass on every log (the broker calls it every `log.retention.check.interval.ms`).
    /// A failing log does not stop the others: its error is returned.
    public func deleteOldSegments(now: Int64) -> [TopicPartition: Result<RetentionResult, LogStorageError>] {
        var results: [TopicPartition: Result<RetentionResult, LogStorageError>] = [:]
        for (topicPartition, log) in openLogs {
            do { results[topicPartition] = .success(try log.deleteOldSegments(now: now)) } catch { results[topicPartition] = .failure(error) }
        }
        return results
    }

    /// Flushes the logs whose `flush.ms` passed; returns the errors.
    public func flushDueLogs(now: Int64) -> [TopicPartition: LogStorageError] {
        var errors: [TopicPartition: LogStorageError] = [:]
        for (topicPartition, log) in openLogs {
            do { try log.flushIfDue(now: now) } catch { errors[topicPartition] = error }
        }
        return errors
    }

    /// Writes `recovery-point-offset-checkpoint`, `log-start-offset-checkpoint` and
    /// `replication-offset-checkpoint` (atomically: temporary file, fsync, rename).
    public func writeCheckpoints() throws(LogStorageError) {
        try writeCheckpoints(of: Array(openLogs.values))
    }

    private func writeCheckpoints(of logs: [PartitionLog]) throws(LogStorageError) {
        var recoveryPoints: [TopicPartition: Int64] = [:]
        var logStarts: [TopicPartition: Int64] = [:]
        var highWatermarks: [TopicPartition: Int64] = [:]
        for log in logs {
            let offsets = log.withStateSnapshot { ($0.recoveryPoint, $0.logStartOffset, $0.highWatermark) }
            recoveryPoints[log.topicPartition] = offsets.0
            logStarts[log.topicPartition] = offsets.1
            highWatermarks[log.topicPartition] = offsets.2
        }
        try writeCheckpoint(OffsetCheckpointFile.recoveryPoint, recoveryPoints)
        try writeCheckpoint(OffsetCheckpointFile.logStartOffset, logStarts)
        try writeCheckpoint(OffsetCheckpointFile.replicationOffset, highWatermarks)
    }

    private func writeCheckpoint(_ name: String, _ offsets: [TopicPartition: Int64]) throws(LogStorageError) {
        let text = OffsetCheckpointFile.encode(offsets)
        try fileSystem.writeFileAtomically(ByteBuffer(string: text), to: dataDirectory.appending(name))
    }

    /// Closes cleanly: flushes and closes every log, writes the checkpoints and the clean-shutdown
    /// marker (`{"version":0,"brokerEpoch":N}`, as Kafka 3.8), and releases the directory lock.
    /// When a log fails to close, no marker is written, so the next open recovers.
    public func close(now: Int64, brokerEpoch: Int64 = -1) throws(LogStorageError) {
        let logs = try withOpenState { (state: inout State) -> [PartitionLog] in
            state.isClosed = true
            return Array(state.logs.values)
        }
        defer { directoryLock.unlock() }
        for log in logs where !log.isClosed { try log.close(now: now) }
        try writeCheckpoints(of: logs)
        let marker = "{\"version\":0,\"brokerEpoch\":\(brokerEpoch)}"
        try fileSystem.writeFileAtomically(ByteBuffer(string: marker), to: dataDirectory.appending(Self.cleanShutdownFileName))
    }

    /// Drops everything without flushing or writing a marker, as a crash would (tests), and releases
    /// the lock.
    public func abandon() {
        let logs = state.withLock { state in
            state.isClosed = true
            return Array(state.logs.values)
        }
        for log in logs { log.closeWithoutFlush() }
        directoryLock.unlock()
    }
}
