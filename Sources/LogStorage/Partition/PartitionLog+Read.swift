extension PartitionLog {
    /// Reads from `offset`, as a fetch does (Kafka's UnifiedLog.read):
    /// - the data starts at the batch holding `offset` (a consumer skips the records before it);
    /// - nothing at or beyond `maxOffset` (the high watermark for consumers; the log end by default);
    /// - at most `maxBytes`, except that with `minOneBatch` the first batch is returned whole even when
    ///   larger (KIP-74). Without it, a first batch larger than `maxBytes` gives an empty result with
    ///   `firstBatchTooLarge`. Like Kafka, the last batch may be cut at `maxBytes`; clients drop the
    ///   partial batch and fetch it again.
    ///
    /// Reading at the log end, or with `maxOffset` ≤ `offset`, returns no slices. An offset below the
    /// log start or above the log end throws `.offsetOutOfRange`.
    public func read(
        from offset: Int64, maxBytes: Int, upTo maxOffset: Int64? = nil, minOneBatch: Bool = true
    ) throws(LogStorageError) -> LogReadResult {
        let plan = try withOpenState { (state: inout PartitionLogState) throws(LogStorageError) -> ReadPlan in
            try ReadPlan(state: state, offset: offset, maxOffset: maxOffset)
        }
        var result = LogReadResult(
            slices: [], fetchOffset: offset, logStartOffset: plan.logStartOffset, logEndOffset: plan.logEndOffset,
            highWatermark: plan.highWatermark, firstBatchTooLarge: false)
        var budget = max(0, maxBytes)
        for segment in plan.segments {
            let isFirstSlice = result.slices.isEmpty
            var start: Int64 = 0
            var firstBatchSize = 0
            if isFirstSlice {
                let found = try BatchScanner.first(in: segment.log, from: segment.startPosition, end: segment.size) { $0.lastOffset >= offset }
                guard let found else { continue }  // the offset lies in a gap after this segment's last batch
                start = found.position
                firstBatchSize = found.header.sizeInBytes
            }
            var end = segment.size
            if let limitPosition = segment.limitPosition {
                let limitBatch = try BatchScanner.first(in: segment.log, from: limitPosition, end: segment.size) { $0.lastOffset >= plan.limit }
                end = limitBatch?.position ?? segment.size
            }
            let available = Int(max(0, end - start))
            var length = min(available, budget)
            if isFirstSlice, firstBatchSize > budget {
                guard minOneBatch else {
                    result.firstBatchTooLarge = true
                    break
                }
                length = min(firstBatchSize, available)
            }
            guard length > 0 else { break }
            result.slices.append(LogFileSlice(file: segment.log, position: start, length: length))
            budget -= min(budget, length)
            // Go on into the next segment only after reading this one to its end.
            guard length == available, end == segment.size, budget > 0 else { break }
        }
        return result
    }
}

/// What a read needs from the partition's state, taken under the lock: the segments to read and
/// positions from their indexes. The file I/O happens after the lock is released.
struct ReadPlan {
    struct Segment {
        var log: any LogFile
        var size: Int64
        /// Where to start looking for the fetch offset (first segment only).
        var startPosition: Int64
        /// Where to start looking for the batch holding the limit, when the limit falls inside.
        var limitPosition: Int64?
    }

    /// How many segments one read may span.
    static let maxSegments = 8

    var segments: [Segment] = []
    var limit: Int64
    var logStartOffset: Int64
    var logEndOffset: Int64
    var highWatermark: Int64

    init(state: PartitionLogState, offset: Int64, maxOffset: Int64?) throws(LogStorageError) {
        logStartOffset = state.logStartOffset
        logEndOffset = state.logEndOffset
        highWatermark = state.highWatermark
        guard offset >= logStartOffset, offset <= logEndOffset else {
            throw .offsetOutOfRange(requested: offset, logStartOffset: logStartOffset, logEndOffset: logEndOffset)
        }
        limit = min(maxOffset ?? logEndOffset, logEndOffset)
        guard offset < limit else { return }
        var index = state.segmentIndex(for: offset)
        while index < state.segments.count, segments.count < Self.maxSegments {
            let segment = state.segments[index]
            guard segment.baseOffset < limit || segments.isEmpty else { break }
            segments.append(Segment(
                log: segment.log, size: segment.size,
                startPosition: segments.isEmpty ? segment.indexedPosition(for: offset) : 0,
                limitPosition: limit < segment.nextOffset ? segment.indexedPosition(for: limit) : nil))
            index += 1
        }
    }
}
