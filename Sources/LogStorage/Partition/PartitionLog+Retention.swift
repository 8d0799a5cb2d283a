extension PartitionLog {
    /// One retention pass (Kafka's deleteOldSegments), run by the broker every
    /// `log.retention.check.interval.ms`:
    /// 1. segments wholly below the log start offset (after `deleteRecords`);
    /// 2. `retention.bytes`: the oldest segments while the log is larger than the limit;
    /// 3. `retention.ms`: segments whose newest batch is older than the limit.
    /// Only segments below the high watermark go. When every segment is to go, the active one is
    /// rolled first, so the log always keeps a segment. Also removes `.deleted` files whose delay
    /// passed and forgets producers idle longer than `producer.id.expiration.ms`.
    @discardableResult
    public func deleteOldSegments(now: Int64) throws(LogStorageError) -> RetentionResult {
        try withOpenState { (state: inout PartitionLogState) throws(LogStorageError) -> RetentionResult in
            var deleted: [Int64] = []
            deleted += try deleteSegments(&state, now: now) { segment, next, state in
                next.map { $0.baseOffset <= state.logStartOffset } ?? false
            }
            let retentionBytes = state.config.retentionBytes
            if retentionBytes >= 0 {
                var excess = state.sizeInBytes - retentionBytes
                deleted += try deleteSegments(&state, now: now) { segment, _, _ in
                    guard excess - segment.size >= 0 else { return false }
                    excess -= segment.size
                    return true
                }
            }
            let retentionMs = state.config.retentionMs
            if retentionMs >= 0 {
                deleted += try deleteSegments(&state, now: now) { segment, _, _ in now - segment.largestTimestamp > retentionMs }
            }
            state.producers.removeExpiredProducers(now: now, expirationMs: state.config.producerIdExpirationMs)
            let removed = try removeDueFiles(&state, now: now)
            return RetentionResult(deletedSegments: deleted, logStartOffset: state.logStartOffset, removedFiles: removed)
        }
    }

    /// DeleteRecords: moves the log start offset up to `offset` (never past the high watermark).
    /// Consumers can no longer read below it; the segments wholly below it go at the next retention
    /// pass, as in Kafka. Returns the log start offset.
    @discardableResult
    public func deleteRecords(before offset: Int64) throws(LogStorageError) -> Int64 {
        try withOpenState { (state: inout PartitionLogState) throws(LogStorageError) -> Int64 in
            guard offset <= state.highWatermark else {
                throw .logStartOffsetBeyondHighWatermark(requested: offset, highWatermark: state.highWatermark)
            }
            if offset > state.logStartOffset {
                state.logStartOffset = offset
                if state.epochs.truncateFromStart(startOffset: offset) { try writeEpochCheckpoint(state.epochs) }
            }
            return state.logStartOffset
        }
    }

    /// Kafka's deletableSegments + deleteSegments: from the oldest, while `predicate` holds and the
    /// segment ends at or below the high watermark; an empty active segment is never deleted.
    private func deleteSegments(
        _ state: inout PartitionLogState, now: Int64,
        predicate: (LogSegment, LogSegment?, PartitionLogState) -> Bool
    ) throws(LogStorageError) -> [Int64] {
        var deletable: [LogSegment] = []
        for (index, segment) in state.segments.enumerated() {
            let next = index + 1 < state.segments.count ? state.segments[index + 1] : nil
            let upperBound = next?.baseOffset ?? state.logEndOffset
            let isLastAndEmpty = next == nil && segment.isEmpty
            guard state.highWatermark >= upperBound, !isLastAndEmpty, predicate(segment, next, state) else { break }
            deletable.append(segment)
        }
        guard !deletable.isEmpty else { return [] }
        if deletable.count == state.segments.count {
            try rollLocked(&state, at: state.logEndOffset, now: now)
        }
        let count = deletable.count
        state.segments.removeFirst(count)
        state.logStartOffset = max(state.logStartOffset, state.segments[0].baseOffset)
        if state.epochs.truncateFromStart(startOffset: state.logStartOffset) { try writeEpochCheckpoint(state.epochs) }
        for segment in deletable { try scheduleDeletion(segment, state: &state, now: now) }
        return deletable.map(\.baseOffset)
    }

    /// Removes `.deleted` files whose `file.delete.delay.ms` passed; returns how many.
    private func removeDueFiles(_ state: inout PartitionLogState, now: Int64) throws(LogStorageError) -> Int {
        var removed = 0
        var waiting: [PendingDeletion] = []
        for pending in state.pendingDeletions {
            guard pending.dueMs <= now else {
                waiting.append(pending)
                continue
            }
            for path in pending.paths { try fileSystem.removeItem(at: path) }
            removed += pending.paths.count
        }
        state.pendingDeletions = waiting
        return removed
    }
}
