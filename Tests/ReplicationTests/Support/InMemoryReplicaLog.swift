import LogStorage
import Replication

/// A partition log in memory for tests and the simulation: records (offset, epoch, value) from offset
/// 0, LogStorage's real `LeaderEpochCache`, and a flushed prefix that survives a power loss.
struct InMemoryReplicaLog: ReplicaLog {
    struct Record: Hashable {
        var offset: Int64
        var epoch: Int32
        var value: Int
    }

    private(set) var records: [Record] = []
    private(set) var epochs = LeaderEpochCache()
    /// Records below it are on disk; a power loss keeps only them.
    private(set) var flushedOffset: Int64 = 0

    init() {}

    var logStartOffset: Int64 { 0 }
    var logEndOffset: Int64 { Int64(records.count) }
    var latestEpoch: Int32? { epochs.latestEpoch }

    func endOffset(forEpoch epoch: Int32) -> (epoch: Int32, endOffset: Int64) {
        epochs.endOffset(forEpoch: epoch, logEndOffset: logEndOffset)
    }

    /// Batches group consecutive records of one epoch; `limit` counts records.
    func read(from offset: Int64, upTo maxOffset: Int64, limit: Int) -> [RecordsBatch] {
        let end = min(maxOffset, logEndOffset, offset + Int64(max(1, limit)))
        guard offset >= 0, offset < end else { return [] }
        var batches: [RecordsBatch] = []
        for record in records[Int(offset)..<Int(end)] {
            if let last = batches.last, last.epoch == record.epoch {
                batches[batches.count - 1].values.append(record.value)
            } else {
                batches.append(RecordsBatch(baseOffset: record.offset, epoch: record.epoch, values: [record.value]))
            }
        }
        return batches
    }

    mutating func appendAsFollower(_ batches: [RecordsBatch]) throws(ReplicationLogError) {
        var expected = logEndOffset
        for batch in batches {
            guard batch.baseOffset == expected else {
                throw .unexpectedAppendOffset(firstOffset: batch.baseOffset, logEndOffset: expected)
            }
            expected = batch.nextOffset
        }
        for batch in batches { append(batch.values, epoch: batch.epoch) }
    }

    mutating func truncate(to offset: Int64) {
        guard offset < logEndOffset else {
            // As Kafka: still drop an epoch this replica recorded as leader with no data after it.
            epochs.truncateFromEnd(endOffset: logEndOffset)
            return
        }
        records.removeLast(records.count - Int(max(0, offset)))
        epochs.truncateFromEnd(endOffset: max(0, offset))
        flushedOffset = min(flushedOffset, logEndOffset)
    }

    mutating func assignEpochStartOffset(epoch: Int32, startOffset: Int64) {
        epochs.assign(epoch: epoch, startOffset: startOffset)
    }

    /// The leader's append: the next offsets, stamped with `epoch`. Returns the offset after the last.
    @discardableResult
    mutating func appendAsLeader(_ values: [Int], epoch: Int32) -> Int64 {
        append(values, epoch: epoch)
        return logEndOffset
    }

    mutating func flush() { flushedOffset = logEndOffset }

    /// A power loss: the unflushed tail is gone (Kafka's recovery then trims the epoch cache too).
    mutating func loseUnflushedTail() { truncate(to: flushedOffset) }

    func value(at offset: Int64) -> Int? {
        offset >= 0 && offset < logEndOffset ? records[Int(offset)].value : nil
    }

    private mutating func append(_ values: [Int], epoch: Int32) {
        epochs.assign(epoch: epoch, startOffset: logEndOffset)
        for value in values { records.append(Record(offset: logEndOffset, epoch: epoch, value: value)) }
    }
}
