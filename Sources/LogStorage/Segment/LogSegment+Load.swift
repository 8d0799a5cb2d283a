import KafkaRecords
import NIOCore
import SystemPackage

/// What loading or recovering one segment found, for the recovery report.
struct SegmentScanResult: Sendable, Hashable {
    /// Bytes of whole, valid batches kept.
    var validBytes: Int64
    /// Bytes cut from the end of the `.log` file.
    var truncatedBytes: Int64
    /// Why the scan stopped early, when it did.
    var reason: String?
    /// Whether the index files were rebuilt from the `.log` file.
    var rebuiltIndexes: Bool
}

extension LogSegment {
    /// Opens a segment whose files are trusted (after a clean shutdown, or wholly before the recovery
    /// point): loads and sanity-checks the indexes, rebuilding them from the `.log` when they fail,
    /// and reads the batches after the last index entry to learn the segment's end. A torn batch at
    /// the very end is cut off.
    static func open(
        directory: FilePath, baseOffset: Int64, config: LogConfig, fileSystem: any LogFileSystem, now: Int64
    ) throws(LogStorageError) -> (LogSegment, SegmentScanResult) {
        let log = try fileSystem.openFile(at: LogFileNames.logFile(directory, baseOffset), create: false)
        let offsetPath = LogFileNames.indexFile(directory, baseOffset)
        let timePath = LogFileNames.timeIndexFile(directory, baseOffset)
        let segment = LogSegment(
            baseOffset: baseOffset, directory: directory, fileSystem: fileSystem, log: log, size: try log.size(),
            config: config,
            offsetIndexFile: IndexFile(path: offsetPath, entrySize: OffsetIndex.entrySize, file: nil, persistedCount: 0),
            timeIndexFile: IndexFile(path: timePath, entrySize: TimeIndex.entrySize, file: nil, persistedCount: 0),
            now: now)
        let sizeOnDisk = segment.size
        if let result = try segment.loadIndexes(config: config) { return (segment, result) }
        var result = try segment.rebuild(validating: false, expectedFirstOffset: baseOffset) { _ in }
        // loadIndexes may have cut a torn tail before it gave up on the indexes: report that cut too.
        if result.truncatedBytes == 0, result.validBytes < sizeOnDisk {
            result.truncatedBytes = sizeOnDisk - result.validBytes
            result.reason = result.reason ?? "torn batch at position \(result.validBytes)"
        }
        return (segment, result)
    }

    /// Loads both index files and the tail after them; nil when they cannot be trusted.
    private func loadIndexes(config: LogConfig) throws(LogStorageError) -> SegmentScanResult? {
        let originalSize = size
        guard let offsetBytes = try fileSystem.readFileIfExists(at: offsetIndexFile.path),
            let timeBytes = try fileSystem.readFileIfExists(at: timeIndexFile.path),
            let offsets = try? OffsetIndex.decode(offsetBytes, baseOffset: baseOffset, maxEntries: config.maxOffsetIndexEntries, logSize: size)
        else { return nil }
        offsetIndex = offsets
        // Walk the batches after the last index entry: they give the end offset and the newest
        // timestamps, and show whether the last entry is right.
        var scanner = BatchScanner(file: log, from: offsets.lastPosition, end: size)
        var first = true
        var tailMax: (timestamp: Int64, offset: Int64) = (-1, baseOffset)
        nextOffset = baseOffset
        while let entry = try scanner.next() {
            if first, offsets.count > 0, entry.header.lastOffset != offsets.lastOffset { return nil }
            if first, offsets.count == 0 { firstBatchTimestamp = entry.header.maxTimestamp }
            first = false
            guard entry.header.baseOffset >= nextOffset, entry.header.lastOffsetDelta >= 0 else { return nil }
            if entry.header.maxTimestamp > tailMax.timestamp { tailMax = (entry.header.maxTimestamp, entry.header.lastOffset) }
            nextOffset = entry.header.nextOffset
        }
        if offsets.count > 0, first { return nil }  // the last entry points at no batch
        var truncated: Int64 = 0
        var reason: String?
        if let stop = scanner.stop {
            guard case .truncatedBatch(let position, _) = stop, position > offsets.lastPosition || offsets.count == 0 else { return nil }
            try log.truncate(to: position)
            size = position
            truncated = originalSize - position
            reason = "torn batch at position \(position)"
        }
        guard let times = try? TimeIndex.decode(timeBytes, baseOffset: baseOffset, maxEntries: config.maxTimeIndexEntries, lastOffset: nextOffset - 1)
        else { return nil }
        timeIndex = times
        if let last = times.last { (maxTimestampSoFar, offsetOfMaxTimestampSoFar) = (last.timestamp, last.offset) }
        if tailMax.timestamp > maxTimestampSoFar { (maxTimestampSoFar, offsetOfMaxTimestampSoFar) = tailMax }
        offsetIndexFile = IndexFile(path: offsetIndexFile.path, entrySize: OffsetIndex.entrySize, file: nil, persistedCount: offsets.count)
        timeIndexFile = IndexFile(path: timeIndexFile.path, entrySize: TimeIndex.entrySize, file: nil, persistedCount: times.count)
        bytesSinceLastIndexEntry = Int(size - offsets.lastPosition)
        if firstBatchTimestamp == nil, size > 0 {
            var head = BatchScanner(file: log, from: 0, end: size)
            firstBatchTimestamp = try head.next()?.header.maxTimestamp
        }
        return SegmentScanResult(validBytes: size, truncatedBytes: truncated, reason: reason, rebuiltIndexes: false)
    }

    /// Reads every batch from the start, rebuilding both indexes, and cuts the file at the first batch
    /// that is torn, has an impossible header, goes back in offsets, or (when `validating`) fails its
    /// CRC. `onBatch` sees each batch kept, in order (for producer state and leader epochs).
    func rebuild(
        validating: Bool, expectedFirstOffset: Int64, onBatch: (BatchHeader) -> Void
    ) throws(LogStorageError) -> SegmentScanResult {
        offsetIndex.removeAll()
        timeIndex.removeAll()
        bytesSinceLastIndexEntry = 0
        maxTimestampSoFar = -1
        offsetOfMaxTimestampSoFar = baseOffset
        firstBatchTimestamp = nil
        nextOffset = baseOffset
        var expectedNext = max(baseOffset, expectedFirstOffset)
        var scanner = BatchScanner(file: log, from: 0, end: size, readsBodies: validating)
        var validBytes: Int64 = 0
        var reason: String?
        while let entry = try scanner.next() {
            let header = entry.header
            if validating, let batch = entry.batch {
                do { try batch.validate() } catch {
                    reason = "\(error) at position \(entry.position)"
                    break
                }
            }
            guard header.baseOffset >= expectedNext, header.lastOffsetDelta >= 0,
                header.lastOffset - baseOffset <= Int64(Int32.max)
            else {
                reason = "batch at position \(entry.position) has offsets \(header.baseOffset)...\(header.lastOffset), expected from \(expectedNext)"
                break
            }
            if firstBatchTimestamp == nil { firstBatchTimestamp = header.maxTimestamp }
            noteBatch(lastOffset: header.lastOffset, maxTimestamp: header.maxTimestamp, position: entry.position, size: header.sizeInBytes)
            onBatch(header)
            expectedNext = header.nextOffset
            nextOffset = header.nextOffset
            validBytes = entry.position + Int64(header.sizeInBytes)
        }
        if reason == nil, let stop = scanner.stop {
            switch stop {
            case .truncatedBatch(let position, let available):
                reason = "torn batch at position \(position) (\(available) bytes left)"
            case .invalidHeader(let position, let why):
                reason = "invalid batch header at position \(position): \(why)"
            }
        }
        let truncated = size - validBytes
        if truncated > 0 {
            try log.truncate(to: validBytes)
            size = validBytes
        }
        try offsetIndexFile.rewrite(offsetIndex.encode(from: 0), count: offsetIndex.count, fileSystem: fileSystem)
        try timeIndexFile.rewrite(timeIndex.encode(from: 0), count: timeIndex.count, fileSystem: fileSystem)
        return SegmentScanResult(validBytes: validBytes, truncatedBytes: truncated, reason: reason, rebuiltIndexes: true)
    }

    /// Calls `body` with the header of every batch, in order (producer-state rebuild).
    func forEachBatchHeader(from position: Int64 = 0, _ body: (BatchHeader) throws(LogStorageError) -> Void) throws(LogStorageError) {
        var scanner = BatchScanner(file: log, from: position, end: size)
        while let entry = try scanner.next() { try body(entry.header) }
    }
}
