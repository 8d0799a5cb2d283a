import Controller
import KafkaProtocol
import KafkaRecords
import LogStorage
import NIOCore

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
        if acks == -1 && !partition.hasEnoughInsyncReplicas() {
            throw ProduceError(
                .notEnoughReplicas,
                "The ISR has \(partition.isrCount) replica(s), fewer than min.insync.replicas=\(settings.minInsyncReplicas).")
        }
        do {
            return AppendOutcome(result: try partition.appendAsLeader(batch.bytes, now: clock()), partition: partition)
        } catch {
            throw ProduceError(error)
        }
    }

    /// Waits until the ISR has everything below `offset` (acks=all), or the deadline passes.
    func awaitAcknowledgement(_ partition: Partition, upTo offset: Int64, deadline: ContinuousClock.Instant) async -> Bool {
        while !partition.isAcknowledged(upTo: offset) {
            guard ContinuousClock.now < deadline else { return false }
            let waiter = DataWaiter()
            partition.waiters.register(waiter)
            if partition.isAcknowledged(upTo: offset) {
                partition.waiters.unregister(waiter)
                return true
            }
            await waiter.wait(until: deadline)
            partition.waiters.unregister(waiter)
        }
        return true
    }
}
