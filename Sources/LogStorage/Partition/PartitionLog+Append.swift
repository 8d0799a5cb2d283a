import KafkaRecords
import NIOCore

extension PartitionLog {
    /// Appends a leader's batches (a produce request's records, already CRC-checked by the caller):
    /// assigns offsets from the log end by patching each batch's `baseOffset`, stamps `leaderEpoch`
    /// into `partitionLeaderEpoch`, checks idempotent producers (a retry returns the original offsets
    /// and appends nothing), writes all batches with one write, and records a new epoch.
    ///
    /// The batches' bytes are not copied: the patched 17-byte heads and the untouched rest go to one
    /// gathering write (unless `message.timestamp.type=LogAppendTime`, which rewrites the CRC).
    public func appendAsLeader(
        _ records: ByteBuffer, leaderEpoch: Int32, now: Int64, origin: ProducerStateManager.Origin = .client
    ) throws(LogStorageError) -> LogAppendResult {
        let batches = try Self.splitBatches(records)
        return try withOpenState { (state: inout PartitionLogState) throws(LogStorageError) -> LogAppendResult in
            let timestampType = state.config.messageTimestampType
            var next = state.logEndOffset
            var headers: [BatchHeader] = []
            headers.reserveCapacity(batches.count)
            for batch in batches {
                var header = BatchHeader(batch)
                header.baseOffset = next
                header.partitionLeaderEpoch = leaderEpoch
                if timestampType == .logAppendTime { header.maxTimestamp = now }
                next = header.nextOffset
                headers.append(header)
            }
            let check = try state.producers.checkAppend(headers.map(\.producerBatch), origin: origin)
            if case .duplicate(let original) = check {
                return duplicateResult(original, state: state, timestampType: timestampType)
            }
            let parts = Self.leaderParts(batches, headers: headers, appendTime: timestampType == .logAppendTime ? now : nil)
            var result = try appendLocked(&state, parts: parts, headers: headers, now: now)
            if case .accepted(let update) = check { state.producers.commit(update) }
            if state.epochs.assign(epoch: leaderEpoch, startOffset: result.firstOffset) {
                try writeEpochCheckpoint(state.epochs)
            }
            if timestampType == .logAppendTime { result.logAppendTime = now }
            try flushIfNeeded(&state, now: now)
            result.logEndOffset = state.logEndOffset
            return result
        }
    }

    /// Appends a follower's batches with the offsets the leader gave them (Kafka's appendAsFollower):
    /// offsets must continue the log and increase, or `.unexpectedAppendOffset`/`.invalidRecords`.
    /// Producer state and leader epochs follow the batches without checks. The bytes are written as
    /// they are.
    public func appendAsFollower(_ records: ByteBuffer, now: Int64) throws(LogStorageError) -> LogAppendResult {
        try appendAsFollower(batches: try Self.splitBatches(records), now: now)
    }

    /// The same for batches already split (a follower's fetch answer): each is written from where it
    /// lies, in one vectored write, without first copying them into one buffer.
    public func appendAsFollower(batches: [RecordBatch], now: Int64) throws(LogStorageError) -> LogAppendResult {
        for batch in batches {
            guard batch.magic == RecordBatch.currentMagic else { throw .invalidRecords("magic \(batch.magic)") }
            guard batch.lastOffsetDelta >= 0 else { throw .invalidRecords("negative last offset delta") }
        }
        guard !batches.isEmpty else { throw .invalidRecords("no batches") }
        return try withOpenState { (state: inout PartitionLogState) throws(LogStorageError) -> LogAppendResult in
            let headers = batches.map(BatchHeader.init)
            var expected = state.logEndOffset
            for (index, header) in headers.enumerated() {
                guard header.baseOffset >= expected else {
                    if index == 0 { throw .unexpectedAppendOffset(firstOffset: header.baseOffset, logEndOffset: expected) }
                    throw .invalidRecords("offsets go back from \(expected) to \(header.baseOffset)")
                }
                expected = header.nextOffset
            }
            guard case .accepted(let update) = try state.producers.checkAppend(headers.map(\.producerBatch), origin: .replication)
            else { throw .invalidRecords("unexpected duplicate in a follower append") }
            var result = try appendLocked(&state, parts: batches.map(\.bytes), headers: headers, now: now)
            state.producers.commit(update)
            var epochsChanged = false
            for header in headers where header.partitionLeaderEpoch >= 0 {
                epochsChanged = state.epochs.assign(epoch: header.partitionLeaderEpoch, startOffset: header.baseOffset) || epochsChanged
            }
            if epochsChanged { try writeEpochCheckpoint(state.epochs) }
            try flushIfNeeded(&state, now: now)
            result.logEndOffset = state.logEndOffset
            return result
        }
    }

    /// Rolls if needed, writes, and fills in the result. `headers` carry the final offsets.
    private func appendLocked(
        _ state: inout PartitionLogState, parts: [ByteBuffer], headers: [BatchHeader], now: Int64
    ) throws(LogStorageError) -> LogAppendResult {
        let size = headers.reduce(0) { $0 + $1.sizeInBytes }
        guard size <= state.config.segmentBytes else {
            throw .recordsTooLarge(size: size, segmentBytes: state.config.segmentBytes)
        }
        guard let first = headers.first, let last = headers.last else { throw .invalidRecords("no batches") }
        var maxTimestamp: (timestamp: Int64, offset: Int64) = (-1, first.lastOffset)
        var records = 0
        for header in headers {
            if header.maxTimestamp > maxTimestamp.timestamp { maxTimestamp = (header.maxTimestamp, header.lastOffset) }
            records += Int(header.recordCount)
        }
        try maybeRoll(&state, appendSize: size, maxTimestamp: maxTimestamp.timestamp, firstOffset: first.baseOffset,
                      lastOffset: last.lastOffset, now: now)
        let appended = headers.map { LogSegment.AppendedBatch(lastOffset: $0.lastOffset, maxTimestamp: $0.maxTimestamp, size: $0.sizeInBytes) }
        try state.activeSegment.append(parts, batches: appended, now: now)
        return LogAppendResult(
            firstOffset: first.baseOffset, lastOffset: last.lastOffset, logAppendTime: -1,
            maxTimestamp: maxTimestamp.timestamp, offsetOfMaxTimestamp: maxTimestamp.offset,
            logStartOffset: state.logStartOffset, logEndOffset: state.logEndOffset, batchCount: headers.count,
            recordCount: records, sizeInBytes: size, isDuplicate: false)
    }

    private func duplicateResult(
        _ original: ProducerBatchMetadata, state: PartitionLogState, timestampType: TimestampType
    ) -> LogAppendResult {
        LogAppendResult(
            firstOffset: original.firstOffset, lastOffset: original.lastOffset,
            logAppendTime: timestampType == .logAppendTime ? original.timestamp : -1,
            maxTimestamp: original.timestamp, offsetOfMaxTimestamp: original.lastOffset,
            logStartOffset: state.logStartOffset, logEndOffset: state.logEndOffset, batchCount: 0, recordCount: 0,
            sizeInBytes: 0, isDuplicate: true)
    }

    /// The batches of an append: whole v2 batches back to back, nothing left over.
    static func splitBatches(_ records: ByteBuffer) throws(LogStorageError) -> [RecordBatch] {
        var sequence = RecordBatchSequence(records)
        var batches: [RecordBatch] = []
        while let batch = sequence.next() {
            guard batch.magic == RecordBatch.currentMagic else { throw .invalidRecords("magic \(batch.magic)") }
            guard batch.lastOffsetDelta >= 0 else { throw .invalidRecords("negative last offset delta") }
            batches.append(batch)
        }
        if let corruption = sequence.corruption { throw .invalidRecords(corruption.description) }
        guard sequence.trailingBytes == 0 else { throw .invalidRecords("\(sequence.trailingBytes) bytes of a partial batch") }
        guard !batches.isEmpty else { throw .invalidRecords("no batches") }
        return batches
    }

    /// The byte ranges to write: per batch, a patched head (baseOffset, batchLength,
    /// partitionLeaderEpoch, magic: the 17 bytes the CRC does not cover) and the rest as a slice of the
    /// caller's buffer. With a log append time the batch is rewritten instead.
    static func leaderParts(_ batches: [RecordBatch], headers: [BatchHeader], appendTime: Int64?) -> [ByteBuffer] {
        let headSize = 17
        if let appendTime {
            return zip(batches, headers).map { batch, header in
                var copy = batch
                copy.baseOffset = header.baseOffset
                copy.partitionLeaderEpoch = header.partitionLeaderEpoch
                copy.setLogAppendTime(appendTime)
                return copy.bytes
            }
        }
        var heads = ByteBuffer()
        heads.reserveCapacity(headSize * batches.count)
        for header in headers {
            heads.writeInteger(header.baseOffset)
            heads.writeInteger(header.batchLength)
            heads.writeInteger(header.partitionLeaderEpoch)
            heads.writeInteger(header.magic)
        }
        var parts: [ByteBuffer] = []
        parts.reserveCapacity(batches.count * 2)
        for (index, batch) in batches.enumerated() {
            parts.append(heads.getSlice(at: heads.readerIndex + index * headSize, length: headSize) ?? ByteBuffer())
            parts.append(batch.bytes.getSlice(at: batch.bytes.readerIndex + headSize, length: batch.sizeInBytes - headSize) ?? ByteBuffer())
        }
        return parts
    }
}
