import KafkaRecords
import LogStorage
import NIOCore
import Replication

/// A record batch read from a `PartitionLog`, as replication sees it.
struct StoredBatch: ReplicaBatch {
    var batch: RecordBatch
    var baseOffset: Int64 { batch.baseOffset }
    var lastOffset: Int64 { batch.lastOffset }
    var epoch: Int32 { batch.partitionLeaderEpoch }
}

/// LogStorage's real `PartitionLog` behind `ReplicaLog`, the way the Broker shell can drive it.
/// Reads copy the file slices' bytes (the broker would send the slices instead).
struct PartitionLogReplica: ReplicaLog {
    let log: PartitionLog
    var now: Int64 = 0

    var logStartOffset: Int64 { log.logStartOffset }
    var logEndOffset: Int64 { log.logEndOffset }
    var latestEpoch: Int32? { log.latestEpoch }

    func endOffset(forEpoch epoch: Int32) -> (epoch: Int32, endOffset: Int64) { log.endOffset(forEpoch: epoch) }

    func read(from offset: Int64, upTo maxOffset: Int64, limit: Int) -> [StoredBatch] {
        guard let result = try? log.read(from: offset, maxBytes: limit, upTo: maxOffset) else { return [] }
        var batches: [StoredBatch] = []
        for slice in result.slices {
            guard let bytes = try? slice.readBytes() else { break }
            for batch in RecordBatchSequence(bytes) where batch.lastOffset >= offset { batches.append(StoredBatch(batch: batch)) }
        }
        return batches
    }

    mutating func appendAsFollower(_ batches: [StoredBatch]) throws(ReplicationLogError) {
        var bytes = ByteBuffer()
        for stored in batches { bytes.writeImmutableBuffer(stored.batch.bytes) }
        do {
            _ = try log.appendAsFollower(bytes, now: now)
        } catch .unexpectedAppendOffset(let first, let end) {
            throw .unexpectedAppendOffset(firstOffset: first, logEndOffset: end)
        } catch {
            throw .storage("\(error)")
        }
    }

    mutating func truncate(to offset: Int64) { _ = try? log.truncate(to: offset, now: now) }

    mutating func assignEpochStartOffset(epoch: Int32, startOffset: Int64) {
        try? log.assignEpochStartOffset(epoch: epoch, startOffset: startOffset)
    }
}
