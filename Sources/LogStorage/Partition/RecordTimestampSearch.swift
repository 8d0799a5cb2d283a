import KafkaRecords
import NIOCore

/// Finds, inside one batch, the first record with a timestamp ≥ a target, reading only each record's
/// length, timestamp delta and offset delta. Used by ListOffsets, never on the produce or fetch path.
enum RecordTimestampSearch {
    static func firstRecord(in batch: RecordBatch, atLeast target: Int64, fromOffset startingOffset: Int64) -> TimestampAndOffset {
        let epoch = batch.partitionLeaderEpoch >= 0 ? batch.partitionLeaderEpoch : nil
        let fallback = TimestampAndOffset(timestamp: batch.maxTimestamp, offset: max(batch.baseOffset, startingOffset), leaderEpoch: epoch)
        let attributes = batch.attributes
        // With LogAppendTime every record carries the batch's time; compressed records are out of reach.
        guard attributes.timestampType == .createTime, attributes.compression == .none else { return fallback }
        var records = batch.bytes
        records.moveReaderIndex(forwardBy: RecordBatch.headerSize)
        for _ in 0..<max(0, Int(batch.recordCount)) {
            guard let length = records.readVarint(maxBytes: 5), length >= 0, Int(length) <= records.readableBytes,
                var record = records.readSlice(length: Int(length)),
                record.readInteger(as: Int8.self) != nil,
                let timestampDelta = record.readVarint(),
                let offsetDelta = record.readVarint(maxBytes: 5)
            else { return fallback }
            let timestamp = batch.baseTimestamp &+ timestampDelta
            let offset = batch.baseOffset &+ offsetDelta
            if timestamp >= target, offset >= startingOffset {
                return TimestampAndOffset(timestamp: timestamp, offset: offset, leaderEpoch: epoch)
            }
        }
        return fallback
    }
}
