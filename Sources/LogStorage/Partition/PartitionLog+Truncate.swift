extension PartitionLog {
    /// Removes every offset ≥ `offset` (Kafka's truncateTo): a follower whose log diverged from the
    /// leader's, or a leader election that drops unreplicated data. Returns whether anything was cut.
    /// Leader epochs that start at or after `offset` are forgotten; producer state is rebuilt.
    @discardableResult
    public func truncate(to offset: Int64, now: Int64) throws(LogStorageError) -> Bool {
        guard offset >= 0 else { throw .invalidArgument("cannot truncate to a negative offset (\(offset))") }
        return try withOpenState { (state: inout PartitionLogState) throws(LogStorageError) -> Bool in
            guard offset < state.logEndOffset else {
                // Kafka still drops epochs the leader recorded beyond the end (an epoch with no data).
                if state.epochs.truncateFromEnd(endOffset: state.logEndOffset) { try writeEpochCheckpoint(state.epochs) }
                return false
            }
            if state.segments[0].baseOffset > offset {
                try truncateFullyLocked(&state, newStart: offset, now: now)
                return true
            }
            let keep = state.segments.filter { $0.baseOffset <= offset || $0 === state.segments[0] }
            let drop = state.segments.filter { $0.baseOffset > offset && $0 !== state.segments[0] }
            for segment in drop { try scheduleDeletion(segment, state: &state, now: now) }
            state.segments = keep
            try state.activeSegment.truncate(to: offset, now: now)
            if state.epochs.truncateFromEnd(endOffset: offset) { try writeEpochCheckpoint(state.epochs) }
            state.logStartOffset = min(offset, state.logStartOffset)
            state.recoveryPoint = min(state.recoveryPoint, offset)
            state.highWatermark = min(state.highWatermark, state.logEndOffset)
            try rebuildProducerState(&state)
            return true
        }
    }

    /// Deletes every segment and starts empty at `newStart` (Kafka's truncateFullyAndStartAt): a
    /// follower whose fetch offset fell below the leader's log start.
    public func truncateFully(newStart: Int64, now: Int64) throws(LogStorageError) {
        guard newStart >= 0 else { throw .invalidArgument("cannot start a log at a negative offset (\(newStart))") }
        try withOpenState { (state: inout PartitionLogState) throws(LogStorageError) in
            try truncateFullyLocked(&state, newStart: newStart, now: now)
        }
    }

    func truncateFullyLocked(_ state: inout PartitionLogState, newStart: Int64, now: Int64) throws(LogStorageError) {
        let old = state.segments
        // A fresh segment first, so a failure leaves a usable log.
        let fresh = try LogSegment.create(directory: directory, baseOffset: newStart, config: state.config, fileSystem: fileSystem, now: now)
        fresh.nextOffset = newStart
        for segment in old where segment.baseOffset != newStart { try scheduleDeletion(segment, state: &state, now: now) }
        state.segments = [fresh]
        state.directoryNeedsSync = true
        state.epochs.removeAll()
        try writeEpochCheckpoint(state.epochs)
        state.producers.removeAll()
        state.logStartOffset = newStart
        state.highWatermark = newStart
        state.recoveryPoint = newStart
    }

    /// Replays every batch header from the log start (after a truncation).
    func rebuildProducerState(_ state: inout PartitionLogState) throws(LogStorageError) {
        var producers = ProducerStateManager()
        let logStart = state.logStartOffset
        for segment in state.segments {
            try segment.forEachBatchHeader { header in
                if header.lastOffset >= logStart { producers.replay(header.producerBatch) }
            }
        }
        state.producers = producers
    }

    /// Takes a segment out of service: files renamed to `.deleted`, removed after `file.delete.delay.ms`
    /// (or at once when the delay is 0). Readers holding its file keep reading.
    func scheduleDeletion(_ segment: LogSegment, state: inout PartitionLogState, now: Int64) throws(LogStorageError) {
        let paths = try segment.markDeleted()
        state.directoryNeedsSync = true
        if state.config.fileDeleteDelayMs <= 0 {
            for path in paths { try fileSystem.removeItem(at: path) }
        } else {
            state.pendingDeletions.append(PendingDeletion(paths: paths, dueMs: now + state.config.fileDeleteDelayMs))
        }
    }
}
