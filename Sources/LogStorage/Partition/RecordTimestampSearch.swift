import KafkaRecords
import NIOCore

/// Finds, inside one batch, the first record with a timestamp ≥ a target (decompressing the batch if
/// needed). Used by ListOffsets, never on the produce or fetch path.
enum RecordTimestampSearch {
    /// When the records cannot be read (a codec Gregor lacks, a corrupt batch), the answer falls back
    /// to the batch: its first offset at or after `startingOffset`, and its max timestamp.
    static func firstRecord(in batch: RecordBatch, atLeast target: Int64, fromOffset startingOffset: Int64) -> TimestampAndOffset {
        let epoch = batch.partitionLeaderEpoch >= 0 ? batch.partitionLeaderEpoch : nil
        let fallback = TimestampAndOffset(timestamp: batch.maxTimestamp, offset: max(batch.baseOffset, startingOffset), leaderEpoch: epoch)
        guard var records = try? batch.records() else { return fallback }
        while let record = try? records.next() {
            if record.timestamp >= target, record.offset >= startingOffset {
                return TimestampAndOffset(timestamp: record.timestamp, offset: record.offset, leaderEpoch: epoch)
            }
        }
        return fallback
    }
}
