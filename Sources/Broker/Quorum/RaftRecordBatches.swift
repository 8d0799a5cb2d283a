import KafkaProtocol
import KafkaRecords
import NIOCore
import Raft

/// Raft entries as Kafka record batches, the form they take in `__cluster_metadata-0` and in Fetch
/// responses between voters: a run of data entries of one epoch is one batch whose records hold the
/// metadata records, stamped with the epoch as its partition leader epoch; a new leader's LeaderChange
/// entry is a control batch of its own with a LEADER_CHANGE record, as KRaft writes it (KIP-595).
enum RaftRecordBatches {
    /// The entries as consecutive batches, offsets as the entries have them.
    static func encode(_ entries: [RaftEntry], timestamp: Int64) throws -> ByteBuffer {
        var out = ByteBuffer()
        var index = entries.startIndex
        while index < entries.endIndex {
            let first = entries[index]
            switch first.payload {
            case .leaderChange(let leaderId, let voters):
                var message = LeaderChangeMessage()
                message.leaderId = leaderId
                message.voters = voters.map { LeaderChangeMessage.Voter(voterId: $0) }
                var builder = RecordBatchBuilder(baseOffset: first.offset, isControl: true, partitionLeaderEpoch: first.epoch)
                builder.append(key: ControlRecordKey(type: .leaderChange).encoded, value: try message.encoded(version: 0), timestamp: timestamp)
                var batch = try builder.build().bytes
                out.writeBuffer(&batch)
                index += 1
            case .data:
                var builder = RecordBatchBuilder(baseOffset: first.offset, partitionLeaderEpoch: first.epoch)
                var next = first.offset
                while index < entries.endIndex, entries[index].epoch == first.epoch, entries[index].offset == next,
                    case .data(let value) = entries[index].payload
                {
                    builder.append(key: nil, value: value, timestamp: timestamp)
                    index += 1
                    next += 1
                }
                var batch = try builder.build().bytes
                out.writeBuffer(&batch)
            }
        }
        return out
    }

    /// The entries of consecutive batches. Control records other than LEADER_CHANGE carry nothing the
    /// quorum replays and are skipped; their offsets stay taken.
    static func decode(_ bytes: ByteBuffer) throws -> [RaftEntry] {
        var entries: [RaftEntry] = []
        for batch in RecordBatchSequence(bytes) {
            for record in try batch.decodeRecords() {
                if batch.attributes.isControl {
                    guard try record.controlKey().type == .leaderChange, let value = record.value else { continue }
                    let message = try LeaderChangeMessage.decode(value, version: 0)
                    entries.append(RaftEntry(
                        offset: record.offset, epoch: batch.partitionLeaderEpoch,
                        payload: .leaderChange(leaderId: message.leaderId, voters: message.voters.map(\.voterId))))
                } else {
                    entries.append(RaftEntry(offset: record.offset, epoch: batch.partitionLeaderEpoch, payload: .data(record.value ?? ByteBuffer())))
                }
            }
        }
        return entries
    }
}
