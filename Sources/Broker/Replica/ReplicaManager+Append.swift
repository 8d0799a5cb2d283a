import Controller
import KafkaProtocol
import KafkaRecords
import LogStorage
import NIOCore
import Replication

extension ReplicaManager {
    /// What a produce to one partition became.
    struct AppendOutcome: Sendable {
        var result: LogAppendResult
        var partition: Partition
    }

    /// Validates a producer's records for one partition and appends them as leader (Kafka's
    /// `ReplicaManager.appendRecords` and `LogValidator`, without per-record work): exactly one v2 batch,
    /// within `max.message.bytes`, CRC and framing intact, not transactional (unsupported), and with
    /// acks=all enough in-sync replicas (`min.insync.replicas`) before anything is written.
    func appendRecords(_ records: RecordsPayload?, to topicPartition: TopicPartition, acks: Int16) throws(ProduceError) -> AppendOutcome {
        guard !TopicNames.isInternal(topicPartition.topic) else {
            throw ProduceError(.invalidTopicException, "Cannot append to internal topic \(topicPartition.topic).")
        }
        guard let partition = partition(topicPartition) else {
            throw ProduceError(.unknownTopicOrPartition, "This server does not host this topic-partition.")
        }
        guard let bytes = records?.buffer, bytes.readableBytes > 0 else {
            throw ProduceError(.invalidRecord, "Produce requests must carry exactly one record batch per partition.")
        }
        var sequence = RecordBatchSequence(bytes)
        guard let batch = sequence.next() else {
            throw ProduceError(.corruptMessage, "The records are not a whole record batch.")
        }
        guard sequence.next() == nil, sequence.trailingBytes == 0, sequence.corruption == nil else {
            throw ProduceError(.invalidRecord, "Produce requests with version 3+ may carry only one record batch per partition.")
        }
        let settings = partition.settings
        guard batch.sizeInBytes <= settings.maxMessageBytes else {
            throw ProduceError(
                .messageTooLarge, "The batch of \(batch.sizeInBytes) bytes is larger than max.message.bytes (\(settings.maxMessageBytes)).")
        }
        do {
            try batch.validateProducedBatch()
        } catch {
            throw ProduceError(error)
        }
        guard batch.attributes.compression.rawValue <= CompressionType.zstd.rawValue else {
            throw ProduceError(.corruptMessage, "Unknown compression codec \(batch.attributes.compression.rawValue).")
        }
        guard !batch.attributes.isTransactional else {
            throw ProduceError(.invalidTxnState, "Transactions are not supported by Gregor yet.")
        }
        return AppendOutcome(result: try partition.appendAsLeader(batch.bytes, requiredAcks: acks, now: clock()), partition: partition)
    }

    /// Waits until the ISR has everything below `offset` (acks=all, Kafka's `DelayedProduce`) or the
    /// deadline passes: nil once acknowledged, else the error the producer gets.
    func awaitAcknowledgement(_ partition: Partition, upTo offset: Int64, deadline: ContinuousClock.Instant) async -> ProduceError? {
        while true {
            let ticket = partition.acknowledgements.ticket()
            if let settled = partition.acknowledgement(upTo: offset) { return Self.produceError(settled) }
            // A cancelled request (its connection closing) stops waiting; it gets no answer anyway.
            guard ContinuousClock.now < deadline, !Task.isCancelled else {
                return ProduceError(.requestTimedOut, "The in-sync replicas did not acknowledge the write within the request timeout.")
            }
            await partition.acknowledgements.wait(for: offset, after: ticket, until: deadline)
        }
    }

    private static func produceError(_ settled: Result<Void, ReplicationError>) -> ProduceError? {
        switch settled {
        case .success: nil
        case .failure(.notEnoughReplicasAfterAppend):
            ProduceError(.notEnoughReplicasAfterAppend, "The write was appended, but the ISR shrank below min.insync.replicas before it was replicated.")
        case .failure(.notLeaderOrFollower):
            ProduceError(.notLeaderOrFollower, "This broker stopped leading the partition before the write was replicated.")
        case .failure(let error):
            ProduceError(ErrorCode(rawValue: error.rawValue), "The write was not acknowledged: \(error).")
        }
    }
}
