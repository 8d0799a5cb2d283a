import SystemPackage

/// Everything about a partition log that changes, guarded by `PartitionLog`'s lock.
struct PartitionLogState {
    var config: LogConfig
    /// Oldest first; never empty; the last one is the active segment.
    var segments: [LogSegment]
    var logStartOffset: Int64
    var highWatermark: Int64
    /// Offsets below it are known to be on disk (fsynced).
    var recoveryPoint: Int64
    var lastFlushMs: Int64
    var producers = ProducerStateManager()
    var epochs = LeaderEpochCache()
    /// Segments renamed to `.deleted`, removed once `file.delete.delay.ms` passed.
    var pendingDeletions: [PendingDeletion] = []
    /// Whether directory entries changed since the last fsync of the directory.
    var directoryNeedsSync = false
    var isClosed = false

    var activeSegment: LogSegment { segments[segments.count - 1] }
    var logEndOffset: Int64 { activeSegment.nextOffset }
    var sizeInBytes: Int64 { segments.reduce(0) { $0 + $1.size } }

    /// The index of the segment holding `offset`: the last one whose base offset is ≤ it (0 if none).
    func segmentIndex(for offset: Int64) -> Int {
        var low = 0, high = segments.count - 1, found = 0
        while low <= high {
            let middle = (low + high) / 2
            if segments[middle].baseOffset <= offset {
                found = middle
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        return found
    }
}

/// Files of deleted segments waiting for `file.delete.delay.ms`.
struct PendingDeletion {
    var paths: [FilePath]
    var dueMs: Int64
}
