import KafkaRecords
import NIOCore

extension BatchScanner {
    /// The first batch in `[from, end)` of `file` that satisfies `predicate`, or nil.
    static func first(
        in file: any LogFile, from position: Int64, end: Int64, readsBodies: Bool = false,
        where predicate: (BatchHeader) -> Bool
    ) throws(LogStorageError) -> Entry? {
        var scanner = BatchScanner(file: file, from: position, end: end, readsBodies: readsBodies)
        while let entry = try scanner.next() {
            if predicate(entry.header) { return entry }
        }
        return nil
    }
}

extension LogSegment {
    /// Where to start looking for `offset`: the position of the index entry at or below it.
    func indexedPosition(for offset: Int64) -> Int64 {
        offsetIndex.lookup(offset).position
    }

    /// Where to start looking for the first batch with a timestamp ≥ `timestamp` and offsets from
    /// `startingOffset` on: the time index skips every batch known to be older.
    func searchStartPosition(forTimestamp timestamp: Int64, startingOffset: Int64) -> Int64 {
        let older = timeIndex.lastEntry(before: timestamp)?.offset ?? baseOffset
        return offsetIndex.lookup(max(older, startingOffset)).position
    }

    /// Cuts every batch from the one holding `target` on (Kafka's LogSegment.truncateTo). Returns the
    /// bytes removed; 0 when the segment ends before `target`.
    @discardableResult
    func truncate(to target: Int64, now: Int64) throws(LogStorageError) -> Int64 {
        guard target < nextOffset else { return 0 }
        let found = try BatchScanner.first(in: log, from: indexedPosition(for: target), end: size) { $0.lastOffset >= target }
        let cut = found?.position ?? size
        offsetIndex.truncate(removingFrom: target)
        timeIndex.truncate(removingFrom: target)
        try offsetIndexFile.truncate(toCount: offsetIndex.count, fileSystem: fileSystem)
        try timeIndexFile.truncate(toCount: timeIndex.count, fileSystem: fileSystem)
        let removed = size - cut
        if removed > 0 { try log.truncate(to: cut) }
        setSize(cut)
        nextOffset = max(baseOffset, target)
        bytesSinceLastIndexEntry = 0
        lastModifiedMs = now
        if size == 0 {
            firstBatchTimestamp = nil
            createdMs = now
        }
        try recomputeMaxTimestamp()
        return removed
    }

    /// The largest timestamp from the time index's last entry and the batches after it.
    private func recomputeMaxTimestamp() throws(LogStorageError) {
        maxTimestampSoFar = -1
        offsetOfMaxTimestampSoFar = baseOffset
        if let last = timeIndex.last { (maxTimestampSoFar, offsetOfMaxTimestampSoFar) = (last.timestamp, last.offset) }
        try forEachBatchHeader(from: indexedPosition(for: timeIndex.last?.offset ?? baseOffset)) { header in
            if header.maxTimestamp > maxTimestampSoFar {
                (maxTimestampSoFar, offsetOfMaxTimestampSoFar) = (header.maxTimestamp, header.lastOffset)
            }
        }
    }
}
