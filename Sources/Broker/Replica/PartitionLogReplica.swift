import KafkaRecords
import LogStorage
import NIOCore
import Replication

/// A record batch read from a `PartitionLog` or from a leader's Fetch answer, as replication sees it.
struct StoredBatch: ReplicaBatch {
    var batch: RecordBatch
    var baseOffset: Int64 { batch.baseOffset }
    var lastOffset: Int64 { batch.lastOffset }
    var epoch: Int32 { batch.partitionLeaderEpoch }

    init(batch: RecordBatch) { self.batch = batch }
}

/// LogStorage's `PartitionLog` behind Replication's `ReplicaLog`: how the broker's partitions let the
/// leader and follower state machines read, append, truncate and stamp epochs. Reads copy the file
/// slices' bytes (consumer fetches keep sending the slices themselves).
struct PartitionLogReplica: ReplicaLog {
    let log: PartitionLog
    var now: Int64

    init(log: PartitionLog, now: Int64 = 0) {
        self.log = log
        self.now = now
    }

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
