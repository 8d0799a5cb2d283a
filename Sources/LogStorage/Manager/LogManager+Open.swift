import KafkaRecords
import NIOCore
import SystemPackage

extension LogManager {
    /// What opening a data directory found, for the broker to log.
    public struct OpenReport: Sendable {
        /// Whether `.kafka_cleanshutdown` was there.
        public var hadCleanShutdown: Bool
        /// One report per partition opened.
        public var partitions: [LogRecoveryReport] = []
        /// Directories removed (`*-delete` leftovers) or skipped, unreadable checkpoints.
        public var warnings: [String] = []
    }

    /// Opens a data directory: takes its `.lock`, reads the checkpoints, opens and (after a crash)
    /// recovers every `<topic>-<partition>` directory, removes partitions left half-deleted, and
    /// removes the clean-shutdown marker (so that a crash from now on is noticed).
    public static func open(
        dataDirectory: FilePath, fileSystem: any LogFileSystem,
        configForTopic: @escaping @Sendable (String) -> LogConfig = { _ in .default }, now: Int64
    ) throws(LogStorageError) -> (manager: LogManager, report: OpenReport) {
        try fileSystem.createDirectory(at: dataDirectory)
        let lock = try fileSystem.lockDirectory(at: dataDirectory)
        let markerPath = dataDirectory.appending(cleanShutdownFileName)
        var report = OpenReport(hadCleanShutdown: fileSystem.exists(at: markerPath))
        let recoveryPoints = readCheckpoint(OffsetCheckpointFile.recoveryPoint, in: dataDirectory, fileSystem, &report)
        let logStarts = readCheckpoint(OffsetCheckpointFile.logStartOffset, in: dataDirectory, fileSystem, &report)
        let highWatermarks = readCheckpoint(OffsetCheckpointFile.replicationOffset, in: dataDirectory, fileSystem, &report)
        var state = State()
        for name in try fileSystem.contentsOfDirectory(at: dataDirectory).sorted() {
            let path = dataDirectory.appending(name)
            guard fileSystem.isDirectory(at: path) else { continue }
            if PartitionDirectoryName.isPendingDeletion(name) {
                try fileSystem.removeItem(at: path)
                report.warnings.append("removed \(name), a partition deleted before the last shutdown")
                continue
            }
            guard let topicPartition = PartitionDirectoryName.parse(name) else {
                report.warnings.append("skipped \(name): not a <topic>-<partition> directory")
                continue
            }
            if topicPartition.topic == metadataTopic { continue }
            let options = PartitionLog.OpenOptions(
                recoveryPoint: recoveryPoints[topicPartition] ?? 0, logStartOffset: logStarts[topicPartition],
                highWatermark: highWatermarks[topicPartition], hadCleanShutdown: report.hadCleanShutdown)
            let (log, partitionReport) = try PartitionLog.open(
                directory: path, topicPartition: topicPartition, config: configForTopic(topicPartition.topic),
                fileSystem: fileSystem, options: options, now: now)
            state.logs[topicPartition] = log
            report.partitions.append(partitionReport)
            if let id = readTopicId(in: path, fileSystem, &report) { state.topicIds[topicPartition] = id }
        }
        if report.hadCleanShutdown {
            try fileSystem.removeItem(at: markerPath)
            try fileSystem.syncDirectory(at: dataDirectory)
        }
        let manager = LogManager(
            dataDirectory: dataDirectory, fileSystem: fileSystem, directoryLock: lock, configForTopic: configForTopic, state: state)
        return (manager, report)
    }

    private static func readCheckpoint(
        _ name: String, in directory: FilePath, _ fileSystem: any LogFileSystem, _ report: inout OpenReport
    ) -> [TopicPartition: Int64] {
        do {
            guard let bytes = try fileSystem.readFileIfExists(at: directory.appending(name)) else { return [:] }
            return try OffsetCheckpointFile.decode(String(buffer: bytes))
        } catch {
            report.warnings.append("ignored unreadable \(name): \(error)")
            return [:]
        }
    }

    private static func readTopicId(in directory: FilePath, _ fileSystem: any LogFileSystem, _ report: inout OpenReport) -> String? {
        do {
            guard let bytes = try fileSystem.readFileIfExists(at: directory.appending(PartitionMetadataFile.fileName)) else { return nil }
            return try PartitionMetadataFile.decode(String(buffer: bytes))
        } catch {
            report.warnings.append("ignored unreadable \(directory.string)/\(PartitionMetadataFile.fileName): \(error)")
            return nil
        }
    }
}
