import KafkaRecords
import LogStorage
import NIOCore
import Replication

/// A record batch read from a `PartitionLog` or from a leader's Fetch answer, as replication sees it.
/// One read from a segment also knows where in the file it lies, so a leader can answer a follower
/// with a file region (sendfile) instead of copying the bytes again.
struct StoredBatch: ReplicaBatch {
    var batch: RecordBatch
    /// The segment file and the position the batch was read from.
    var location: (file: any LogFile, position: Int64)?
    var baseOffset: Int64 { batch.baseOffset }
    var lastOffset: Int64 { batch.lastOffset }
    var epoch: Int32 { batch.partitionLeaderEpoch }

    init(batch: RecordBatch, location: (file: any LogFile, position: Int64)? = nil) {
        self.batch = batch
        self.location = location
    }
}

extension [StoredBatch] {
    /// The batches as one slice of their segment file, when they were read back to back from one file.
    var contiguousFileSlice: LogFileSlice? {
        guard let first = self.first?.location else { return nil }
        var end = first.position
        for stored in self {
            guard let location = stored.location, location.file === first.file, location.position == end else { return nil }
            end += Int64(stored.batch.sizeInBytes)
        }
        return LogFileSlice(file: first.file, position: first.position, length: Int(end - first.position))
    }
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
            var position = slice.position
            for batch in RecordBatchSequence(bytes) {
                if batch.lastOffset >= offset { batches.append(StoredBatch(batch: batch, location: (slice.file, position))) }
                position += Int64(batch.sizeInBytes)
            }
        }
        return batches
    }

    mutating func appendAsFollower(_ batches: [StoredBatch]) throws(ReplicationLogError) {
        do {
            _ = try log.appendAsFollower(batches: batches.map(\.batch), now: now)
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
