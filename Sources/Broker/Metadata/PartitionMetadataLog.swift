import KafkaRecords
import LogStorage
import NIOCore
import Raft

/// The metadata quorum's log (`<data-dir>/__cluster_metadata-0`) as the Raft module sees it: record
/// values in batches stamped with the leader epoch, over a LogStorage partition log.
final class PartitionMetadataLog: ReplicatedLog {
    let log: PartitionLog

    init(log: PartitionLog) { self.log = log }

    static let topicPartition = TopicPartition(LogManager.metadataTopic, 0)

    var logEndOffset: Int64 { log.logEndOffset }

    func appendAsLeader(_ values: [ByteBuffer], epoch: Int32, now: Int64) throws -> Int64 {
        var builder = RecordBatchBuilder(partitionLeaderEpoch: epoch, initialCapacity: values.reduce(0) { $0 + $1.readableBytes + 16 })
        for value in values { builder.append(key: nil, value: value, timestamp: now) }
        let batch = try builder.build()
        return try log.appendAsLeader(batch.bytes, leaderEpoch: epoch, now: now).firstOffset
    }

    func flush(now: Int64) throws { try log.flush(now: now) }

    func read(from offset: Int64, upTo end: Int64) throws -> [(offset: Int64, value: ByteBuffer)] {
        var values: [(offset: Int64, value: ByteBuffer)] = []
        var next = max(offset, log.logStartOffset)
        while next < end {
            let result = try log.read(from: next, maxBytes: 1 << 20, upTo: end, minOneBatch: true)
            guard !result.slices.isEmpty else { break }
            var progressed = false
            for slice in result.slices {
                for batch in RecordBatchSequence(try slice.readBytes()) where !batch.attributes.isControl {
                    for record in try batch.decodeRecords() where record.offset >= next && record.offset < end {
                        if let value = record.value { values.append((record.offset, value)) }
                    }
                    next = max(next, batch.nextOffset)
                    progressed = true
                }
            }
            if !progressed { break }
        }
        return values
    }
}
