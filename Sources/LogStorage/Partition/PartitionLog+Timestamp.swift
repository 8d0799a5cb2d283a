import KafkaRecords

extension PartitionLog {
    /// ListOffsets by time: the first offset whose record timestamp is ≥ `timestamp`, from the log
    /// start on, or nil when every record is older (Kafka's fetchOffsetByTimestamp for a real
    /// timestamp). The time index skips to the right neighbourhood; batches are then scanned.
    /// The record is found inside its batch by decoding the batch's records (decompressing them).
    public func offset(forTimestamp timestamp: Int64) throws(LogStorageError) -> TimestampAndOffset? {
        let plan = try withOpenState { (state: inout PartitionLogState) -> (LogFileSearch, Int64)? in
            guard let segment = state.segments.first(where: { $0.maxTimestampSoFar >= timestamp }) else { return nil }
            let start = segment.searchStartPosition(forTimestamp: timestamp, startingOffset: state.logStartOffset)
            return (LogFileSearch(log: segment.log, position: start, end: segment.size), state.logStartOffset)
        }
        guard let (search, startingOffset) = plan else { return nil }
        let found = try BatchScanner.first(in: search.log, from: search.position, end: search.end, readsBodies: true) {
            $0.maxTimestamp >= timestamp && $0.lastOffset >= startingOffset
        }
        guard let found, let batch = found.batch else { return nil }
        return RecordTimestampSearch.firstRecord(in: batch, atLeast: timestamp, fromOffset: startingOffset)
    }

    /// ListOffsets with MAX_TIMESTAMP (-3, KIP-734): the record with the largest timestamp and its offset.
    public func offsetOfMaxTimestamp() throws(LogStorageError) -> TimestampAndOffset? {
        let plan = try withOpenState { (state: inout PartitionLogState) -> (LogFileSearch, Int64)? in
            guard let segment = state.segments.max(by: { $0.maxTimestampSoFar < $1.maxTimestampSoFar }),
                segment.maxTimestampSoFar >= 0
            else { return nil }
            let position = segment.indexedPosition(for: segment.offsetOfMaxTimestampSoFar)
            return (LogFileSearch(log: segment.log, position: position, end: segment.size), segment.maxTimestampSoFar)
        }
        guard let (search, maxTimestamp) = plan else { return nil }
        let found = try BatchScanner.first(in: search.log, from: search.position, end: search.end, readsBodies: true) {
            $0.maxTimestamp == maxTimestamp
        }
        guard let found, let batch = found.batch else { return nil }
        return RecordTimestampSearch.firstRecord(in: batch, atLeast: maxTimestamp, fromOffset: batch.baseOffset)
    }

    /// ListOffsets EARLIEST (-2): the log start offset, with the epoch of the earliest cached entry
    /// when it starts at or before it.
    public func earliestOffset() -> TimestampAndOffset {
        withStateSnapshot { state in
            let earliest = state.epochs.earliestEntry
            let epoch = earliest.flatMap { $0.startOffset <= state.logStartOffset ? $0.epoch : nil }
            return TimestampAndOffset(timestamp: -1, offset: state.logStartOffset, leaderEpoch: epoch)
        }
    }

    /// ListOffsets LATEST (-1): the log end offset and the latest epoch.
    public func latestOffset() -> TimestampAndOffset {
        withStateSnapshot { TimestampAndOffset(timestamp: -1, offset: $0.logEndOffset, leaderEpoch: $0.epochs.latestEpoch) }
    }
}

/// A stretch of a segment file to search, taken under the lock and scanned after it.
struct LogFileSearch: Sendable {
    var log: any LogFile
    var position: Int64
    var end: Int64
}
