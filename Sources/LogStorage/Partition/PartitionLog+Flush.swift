extension PartitionLog {
    /// fsyncs everything up to the log end offset and moves the recovery point there.
    public func flush(now: Int64) throws(LogStorageError) {
        try withOpenState { (state: inout PartitionLogState) throws(LogStorageError) in try flushLocked(&state, now: now) }
    }

    /// Flushes when `flush.ms` has passed since the last flush; the broker calls it periodically.
    /// Returns whether it flushed.
    @discardableResult
    public func flushIfDue(now: Int64) throws(LogStorageError) -> Bool {
        try withOpenState { (state: inout PartitionLogState) throws(LogStorageError) -> Bool in
            guard state.logEndOffset > state.recoveryPoint, now - state.lastFlushMs >= state.config.flushMs else { return false }
            try flushLocked(&state, now: now)
            return true
        }
    }

    /// `flush.messages`: flush once that many offsets were appended since the last flush.
    func flushIfNeeded(_ state: inout PartitionLogState, now: Int64) throws(LogStorageError) {
        if state.logEndOffset - state.recoveryPoint >= state.config.flushMessages {
            try flushLocked(&state, now: now)
        }
    }

    /// fsyncs the segments holding offsets from the recovery point on (Kafka's flush(logEndOffset)).
    /// The active segment's indexes are not synced: the recovery point lies in that segment, so
    /// recovery rebuilds them anyway, and `--fsync always` pays one fsync per append, not three.
    func flushLocked(_ state: inout PartitionLogState, now: Int64) throws(LogStorageError) {
        let end = state.logEndOffset
        if end > state.recoveryPoint {
            let first = state.segmentIndex(for: state.recoveryPoint)
            let active = state.activeSegment
            for segment in state.segments[first...] {
                if segment === active { try segment.flushLog() } else { try segment.flush() }
            }
        }
        if state.directoryNeedsSync {
            try fileSystem.syncDirectory(at: directory)
            state.directoryNeedsSync = false
        }
        state.recoveryPoint = max(state.recoveryPoint, end)
        state.lastFlushMs = now
    }
}
