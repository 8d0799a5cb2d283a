extension PartitionLog {
    /// Starts a new segment at the log end offset now (Kafka's `roll()`), unless the active one is empty.
    public func roll(now: Int64) throws(LogStorageError) {
        try withOpenState { (state: inout PartitionLogState) throws(LogStorageError) in
            guard !state.activeSegment.isEmpty else { return }
            try rollLocked(&state, at: state.logEndOffset, now: now)
        }
    }

    /// Kafka's LogSegment.shouldRoll: the append would overflow `segment.bytes`, `segment.ms` passed
    /// since the segment's first batch (by the batches' timestamps, or by the clock when they carry
    /// none), an index is full, or the offsets would not fit the index's 32-bit relative offsets.
    func maybeRoll(
        _ state: inout PartitionLogState, appendSize: Int, maxTimestamp: Int64, firstOffset: Int64, lastOffset: Int64, now: Int64
    ) throws(LogStorageError) {
        let segment = state.activeSegment
        let config = state.config
        let waited: Int64
        if let first = segment.firstBatchTimestamp, first >= 0 {
            waited = maxTimestamp - first
        } else {
            waited = now - segment.createdMs
        }
        let full = segment.size > Int64(config.segmentBytes - appendSize)
        let old = segment.size > 0 && waited > config.segmentMs
        let indexFull = segment.offsetIndex.isFull || segment.timeIndex.isFull
        let offsetsOverflow = lastOffset - segment.baseOffset > Int64(Int32.max)
        if full || old || indexFull || offsetsOverflow {
            try rollLocked(&state, at: max(firstOffset, state.logEndOffset), now: now)
        }
    }

    /// Closes the active segment for appends and starts a new one at `offset`. An empty active
    /// segment is replaced rather than kept. The old segment is flushed, as Kafka does right after a
    /// roll, so the recovery point moves to the new segment.
    func rollLocked(_ state: inout PartitionLogState, at offset: Int64, now: Int64) throws(LogStorageError) {
        let old = state.activeSegment
        if old.isEmpty {
            state.segments.removeLast()
            for path in try old.markDeleted() { try fileSystem.removeItem(at: path) }
        } else {
            try old.flushLog()
            try old.becomeInactive(syncingIndexes: true)
        }
        let segment = try LogSegment.create(directory: directory, baseOffset: offset, config: state.config, fileSystem: fileSystem, now: now)
        segment.nextOffset = offset
        state.segments.append(segment)
        state.directoryNeedsSync = true
        if !old.isEmpty {
            try fileSystem.syncDirectory(at: directory)
            state.directoryNeedsSync = false
            state.recoveryPoint = max(state.recoveryPoint, old.nextOffset)
        }
    }
}
