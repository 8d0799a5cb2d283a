import NIOCore
import SystemPackage

/// One segment of a partition log: the `.log` file holding batches back to back, exactly as they were
/// appended, and its sparse `.index` and `.timeindex` (Kafka's LogSegment).
///
/// Not thread-safe on its own: its owner, `PartitionLog`, changes it only under the partition's lock.
/// Readers may read the `.log` file without the lock, since appended bytes never change (truncation
/// only cuts, and the scanners stop at what they find).
final class LogSegment: @unchecked Sendable {
    /// The offset of the first batch the segment may hold (its file name).
    let baseOffset: Int64
    let directory: FilePath
    let fileSystem: any LogFileSystem
    /// The `.log` file.
    let log: any LogFile
    let indexIntervalBytes: Int

    /// Bytes in the `.log` file.
    var size: Int64
    /// The offset after the segment's last batch (the log end offset, for the active segment).
    var nextOffset: Int64
    var offsetIndex: OffsetIndex
    var timeIndex: TimeIndex
    var offsetIndexFile: IndexFile
    var timeIndexFile: IndexFile
    var bytesSinceLastIndexEntry = 0
    /// The largest batch timestamp seen, and the last offset of the batch that carries it.
    var maxTimestampSoFar: Int64 = -1
    var offsetOfMaxTimestampSoFar: Int64
    /// The max timestamp of the first batch: `segment.ms` counts from it.
    var firstBatchTimestamp: Int64?
    /// When this process created or opened the segment: `segment.ms` counts from it when batches
    /// carry no timestamps.
    var createdMs: Int64
    /// When the segment last changed, as far as this process knows (retention falls back to it when
    /// no batch carries a timestamp).
    var lastModifiedMs: Int64

    init(
        baseOffset: Int64, directory: FilePath, fileSystem: any LogFileSystem, log: any LogFile, size: Int64,
        config: LogConfig, offsetIndexFile: IndexFile, timeIndexFile: IndexFile, now: Int64
    ) {
        self.baseOffset = baseOffset
        self.directory = directory
        self.fileSystem = fileSystem
        self.log = log
        self.size = size
        self.nextOffset = baseOffset
        self.indexIntervalBytes = config.indexIntervalBytes
        self.offsetIndex = OffsetIndex(baseOffset: baseOffset, maxEntries: config.maxOffsetIndexEntries)
        self.timeIndex = TimeIndex(baseOffset: baseOffset, maxEntries: config.maxTimeIndexEntries)
        self.offsetIndexFile = offsetIndexFile
        self.timeIndexFile = timeIndexFile
        self.offsetOfMaxTimestampSoFar = baseOffset
        self.createdMs = now
        self.lastModifiedMs = now
    }

    /// Creates an empty segment, replacing any stale files with the same base offset.
    static func create(
        directory: FilePath, baseOffset: Int64, config: LogConfig, fileSystem: any LogFileSystem, now: Int64
    ) throws(LogStorageError) -> LogSegment {
        let log = try fileSystem.openFile(at: LogFileNames.logFile(directory, baseOffset), create: true)
        try log.truncate(to: 0)
        let offsetIndexPath = LogFileNames.indexFile(directory, baseOffset)
        let timeIndexPath = LogFileNames.timeIndexFile(directory, baseOffset)
        let offsetFile = try fileSystem.openFile(at: offsetIndexPath, create: true)
        let timeFile = try fileSystem.openFile(at: timeIndexPath, create: true)
        try offsetFile.truncate(to: 0)
        try timeFile.truncate(to: 0)
        return LogSegment(
            baseOffset: baseOffset, directory: directory, fileSystem: fileSystem, log: log, size: 0, config: config,
            offsetIndexFile: IndexFile(path: offsetIndexPath, entrySize: OffsetIndex.entrySize, file: offsetFile, persistedCount: 0),
            timeIndexFile: IndexFile(path: timeIndexPath, entrySize: TimeIndex.entrySize, file: timeFile, persistedCount: 0),
            now: now)
    }

    /// The largest timestamp for retention: the newest batch's, or the last change when none has one.
    var largestTimestamp: Int64 { maxTimestampSoFar >= 0 ? maxTimestampSoFar : lastModifiedMs }

    var isEmpty: Bool { size == 0 }

    // MARK: Append

    /// One batch of an append, after offsets were assigned.
    struct AppendedBatch {
        var lastOffset: Int64
        var maxTimestamp: Int64
        var size: Int
    }

    /// Writes `parts` at the end of the `.log` file in one write, then indexes `batches`, which the
    /// parts hold in order. On a failed write the file is cut back to where it was.
    func append(_ parts: [ByteBuffer], batches: [AppendedBatch], now: Int64) throws(LogStorageError) {
        guard let last = batches.last else { return }
        let start = size
        do {
            try log.write(parts, at: start)
        } catch {
            try? log.truncate(to: start)
            throw error
        }
        var position = start
        for batch in batches {
            noteBatch(lastOffset: batch.lastOffset, maxTimestamp: batch.maxTimestamp, position: position, size: batch.size)
            position += Int64(batch.size)
        }
        if firstBatchTimestamp == nil, let first = batches.first { firstBatchTimestamp = first.maxTimestamp }
        size = position
        nextOffset = last.lastOffset + 1
        lastModifiedMs = now
    }

    /// Index bookkeeping for a batch at `position` (Kafka's rule: an entry once more than
    /// `index.interval.bytes` were appended since the last one).
    func noteBatch(lastOffset: Int64, maxTimestamp: Int64, position: Int64, size: Int) {
        if maxTimestamp > maxTimestampSoFar {
            maxTimestampSoFar = maxTimestamp
            offsetOfMaxTimestampSoFar = lastOffset
        }
        if bytesSinceLastIndexEntry > indexIntervalBytes {
            offsetIndex.append(offset: lastOffset, position: position)
            timeIndex.maybeAppend(timestamp: maxTimestampSoFar, offset: offsetOfMaxTimestampSoFar)
            bytesSinceLastIndexEntry = 0
        }
        bytesSinceLastIndexEntry += size
    }

    /// Sets the size after recovery or truncation cut the file.
    func setSize(_ newSize: Int64) { size = newSize }

    // MARK: Durability and life cycle

    /// Writes the index entries not yet in their files.
    func persistIndexes() throws(LogStorageError) {
        try offsetIndexFile.persist(count: offsetIndex.count, fileSystem: fileSystem, encode: offsetIndex.encode(from:))
        try timeIndexFile.persist(count: timeIndex.count, fileSystem: fileSystem, encode: timeIndex.encode(from:))
    }

    /// fsync of the `.log` file and the indexes.
    func flush() throws(LogStorageError) {
        try persistIndexes()
        try log.sync()
        try offsetIndexFile.sync()
        try timeIndexFile.sync()
    }

    /// fsync of the `.log` file only: enough for the active segment, whose indexes recovery rebuilds
    /// anyway (the recovery point lies in it).
    func flushLog() throws(LogStorageError) {
        try log.sync()
    }

    /// What Kafka does when a segment stops taking appends: a final time index entry for the largest
    /// timestamp (retention and search by time read it), indexes written, index files closed.
    func becomeInactive(syncingIndexes: Bool = false) throws(LogStorageError) {
        timeIndex.maybeAppend(timestamp: maxTimestampSoFar, offset: offsetOfMaxTimestampSoFar, force: true)
        try persistIndexes()
        if syncingIndexes {
            try offsetIndexFile.sync()
            try timeIndexFile.sync()
        }
        offsetIndexFile.close()
        timeIndexFile.close()
    }

    /// The segment's files.
    var filePaths: [FilePath] {
        [LogFileNames.logFile(directory, baseOffset), offsetIndexFile.path, timeIndexFile.path]
    }

    /// Renames the files to `*.deleted` and returns the new paths, for removal later. Open readers
    /// keep reading through their descriptors.
    func markDeleted() throws(LogStorageError) -> [FilePath] {
        offsetIndexFile.close()
        timeIndexFile.close()
        var renamed: [FilePath] = []
        for path in filePaths where fileSystem.exists(at: path) {
            let target = FilePath(path.string + LogFileNames.deletedSuffix)
            try fileSystem.rename(from: path, to: target)
            renamed.append(target)
        }
        return renamed
    }
}
