import KafkaProtocol
import KafkaRecords
import NIOCore

/// Where an acknowledged record landed.
public struct RecordMetadata: Sendable, Hashable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    /// The record's offset, or -1 when unknown (acks=0).
    public var offset: Int64
    /// The record's timestamp: the broker's append time for LogAppendTime topics, else the record's own.
    public var timestamp: Int64

    public init(topic: String, partition: Int32, offset: Int64, timestamp: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
    }

    public var description: String { "\(topic)-\(partition)@\(offset)" }
}

/// Called once per record with where it landed or why it failed. Runs on an event loop: keep it short.
public typealias DeliveryCallback = @Sendable (Result<RecordMetadata, KafkaClientError>) -> Void

/// One batch for one partition, from its first record to its acknowledgement.
///
/// A reference type so queues and requests can share it; every field is read and written only under
/// the producer's lock, except `built`, which the sender alone touches while the batch is in flight.
final class ProducerBatch: @unchecked Sendable {
    struct Delivery {
        var index: Int32
        var timestamp: Int64
        var callback: DeliveryCallback
    }

    let topicPartition: TopicPartition
    let id: Int
    let createdAt: NIODeadline
    var builder: RecordBatchBuilder
    /// The finished bytes, stamped with the producer id and sequence, once first sent.
    var built: RecordBatch?
    var recordCount: Int32 { builder.recordCount }
    /// Bytes charged against `buffer.memory`.
    var reservedBytes = 0
    var deliveries: [Delivery] = []
    /// How many times it was sent.
    var attempts = 0
    var retryAt: NIODeadline?
    /// The identity and first sequence stamped into `built` (idempotence), or `.none` / -1.
    var producer: ProducerIdentity = .none
    var baseSequence: Int32 = -1
    var lastSequence: Int32 { baseSequence < 0 ? -1 : Int32(truncatingIfNeeded: (Int64(baseSequence) + Int64(recordCount) - 1) % (Int64(Int32.max) + 1)) }

    init(topicPartition: TopicPartition, id: Int, now: NIODeadline, compression: CompressionType, capacity: Int) {
        self.topicPartition = topicPartition
        self.id = id
        self.createdAt = now
        self.builder = RecordBatchBuilder(compression: compression, initialCapacity: capacity)
    }

    /// The batch's bytes with the `producer` and `baseSequence` the drain assigned (under the lock)
    /// in the header; builds it on first use. Called by the sender while the batch is in flight.
    func stamped() throws(KafkaClientError) -> RecordBatch {
        let batch: RecordBatch
        if let built, built.producer == producer, built.baseSequence == baseSequence {
            return built
        } else if let built {
            batch = built
        } else {
            do {
                batch = try builder.build()
            } catch {
                throw KafkaClientError(.invalidArgument, "cannot build a batch for \(topicPartition): \(error)")
            }
        }
        guard producer.isIdempotent else {
            built = batch
            return batch
        }
        // The producer fields lie inside the CRC: write them, then recompute it.
        var bytes = batch.bytes
        let start = bytes.readerIndex
        bytes.setInteger(producer.id, at: start + 43)
        bytes.setInteger(producer.epoch, at: start + 51)
        bytes.setInteger(baseSequence, at: start + 53)
        guard var stamped = try? RecordBatch(bytes: bytes) else {
            throw KafkaClientError(.invalidArgument, "cannot stamp the batch for \(topicPartition)")
        }
        stamped.updateCRC()
        built = stamped
        return stamped
    }

    /// Completes every record's callback.
    func complete(_ result: Result<(baseOffset: Int64, logAppendTime: Int64), KafkaClientError>) {
        for delivery in deliveries {
            switch result {
            case .success(let (baseOffset, logAppendTime)):
                delivery.callback(.success(RecordMetadata(
                    topic: topicPartition.topic, partition: topicPartition.partition,
                    offset: baseOffset < 0 ? -1 : baseOffset + Int64(delivery.index),
                    timestamp: logAppendTime >= 0 ? logAppendTime : delivery.timestamp)))
            case .failure(let error):
                delivery.callback(.failure(error))
            }
        }
    }
}
