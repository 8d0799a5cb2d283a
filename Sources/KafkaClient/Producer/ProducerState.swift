import KafkaProtocol
import KafkaRecords
import NIOCore

/// Batches of one partition: the one being filled, those ready to send, and idempotence bookkeeping.
struct PartitionQueue {
    var open: ProducerBatch?
    var ready = CircularBuffer<ProducerBatch>(initialCapacity: 4)
    /// Sequence for the next batch sent for the first time (idempotence).
    var nextSequence: Int32 = 0
    var lastAckedSequence: Int32 = -1
    /// Batches sent at least once under the current producer id and not yet completed, by sequence.
    var unresolved: [ProducerBatch] = []

    var isIdle: Bool { open == nil && ready.isEmpty }
}

/// Where the idempotent producer stands with its producer id.
enum IdempotenceStatus {
    case disabled
    /// No id yet, or the sequences broke: get a (new) id once nothing is in flight.
    case needsProducerId
    case initializing
    case ready
}

/// Everything the producer shares between `send` callers, the sender and response handlers. Lives in
/// one `Mutex`; the methods here are the pure parts (no I/O), so tests can drive them directly.
struct ProducerState {
    var metadata = ClusterMetadata()
    var queues: [TopicPartition: PartitionQueue] = [:]
    /// Partitions that hold an open or ready batch: the drain's work list.
    var active: Set<TopicPartition> = []
    var sticky: [String: Int32] = [:]
    var bufferedBytes = 0
    var memoryWaiters: [CheckedContinuation<Void, Never>] = []
    var inFlight: [Int32: Int] = [:]
    var nextBatchId = 0
    var incomplete: Set<Int> = []
    var flushWaiters: [(upTo: Int, continuation: CheckedContinuation<Void, Never>)] = []
    var flushes = 0
    var drainScheduled = false
    var timerDeadline: NIODeadline?
    var closed = false
    var producer: ProducerIdentity = .none
    var idempotence: IdempotenceStatus = .disabled
    var producerIdWaiters: [CheckedContinuation<Void, Never>] = []
    /// Brokers the sender is connecting to.
    var connecting: Set<Int32> = []

    enum AppendOutcome {
        /// Appended; `wake` when a batch became ready, `lingerFrom` when a new batch started a linger.
        case appended(wake: Bool, lingerFrom: NIODeadline?)
        case needsMetadata
        case bufferFull
        case needsProducerId
    }

    mutating func append(
        _ record: ProducerRecord, timestamp: Int64, callback: DeliveryCallback?, configuration: ProducerConfiguration,
        now: NIODeadline
    ) throws(KafkaClientError) -> AppendOutcome {
        guard !closed else { throw KafkaClientError(.closed, "the producer is closed") }
        if idempotence == .needsProducerId || idempotence == .initializing, producer == .none { return .needsProducerId }
        guard let count = metadata.partitionCount(record.topic) else { return .needsMetadata }
        let size = record.estimatedSize
        guard size + 61 <= configuration.maxRequestSize, size <= configuration.bufferMemory else {
            throw KafkaClientError(
                .recordTooLarge, "record of \(size) bytes exceeds max.request.size \(configuration.maxRequestSize) or buffer.memory")
        }
        if bufferedBytes > 0, bufferedBytes + size > configuration.bufferMemory { return .bufferFull }
        var partition: Int32
        let keyless = record.partition == nil && record.key == nil
        if let explicit = record.partition {
            guard explicit >= 0, Int(explicit) < count else {
                throw KafkaClientError(.unknownTopicOrPartition, "partition \(explicit) of \(record.topic) does not exist (\(count) partitions)")
            }
            partition = explicit
        } else if let key = record.key {
            partition = Partitioner.partition(forKey: key, partitionCount: count)
        } else {
            partition = sticky[record.topic] ?? choosePartition(record.topic, count: count, avoiding: nil)
        }
        var wake = false
        var tp = TopicPartition(record.topic, partition)
        if let open = queues[tp]?.open,
            !open.builder.hasRoomFor(
                key: record.key, value: record.value, headers: record.headers, timestamp: timestamp,
                sizeLimit: configuration.batchSize)
        {
            closeOpenBatch(tp)
            wake = true
            if keyless {
                partition = choosePartition(record.topic, count: count, avoiding: partition)
                tp = TopicPartition(record.topic, partition)
            }
        }
        var lingerFrom: NIODeadline?
        let batch: ProducerBatch
        if let open = queues[tp]?.open {
            batch = open
        } else {
            batch = ProducerBatch(
                topicPartition: tp, id: nextBatchId, now: now, compression: configuration.compression,
                capacity: min(configuration.batchSize, max(size * 2, 1024)) + 64)
            nextBatchId += 1
            incomplete.insert(batch.id)
            queues[tp, default: PartitionQueue()].open = batch
            active.insert(tp)
            lingerFrom = now
        }
        if let callback {
            batch.deliveries.append(.init(index: batch.recordCount, timestamp: timestamp, callback: callback))
        }
        batch.builder.append(key: record.key, value: record.value, headers: record.headers, timestamp: timestamp)
        batch.reservedBytes += size
        bufferedBytes += size
        if batch.builder.estimatedSizeInBytes >= configuration.batchSize {
            closeOpenBatch(tp)
            if keyless { sticky[record.topic] = choosePartition(record.topic, count: count, avoiding: partition) }
            wake = true
        }
        return .appended(wake: wake, lingerFrom: lingerFrom)
    }

    /// Kafka's sticky choice for keyless records: a random partition with a leader, other than the last.
    private mutating func choosePartition(_ topic: String, count: Int, avoiding: Int32?) -> Int32 {
        let partitions = metadata.topics[topic]?.partitions ?? []
        var candidates = partitions.filter { $0.hasLeader && $0.partition != avoiding }.map(\.partition)
        if candidates.isEmpty { candidates = (0..<Int32(count)).filter { $0 != avoiding || count == 1 } }
        let chosen = candidates.randomElement() ?? 0
        sticky[topic] = chosen
        return chosen
    }

    mutating func closeOpenBatch(_ tp: TopicPartition) {
        guard let open = queues[tp]?.open else { return }
        queues[tp]?.open = nil
        queues[tp]?.ready.append(open)
    }

    /// Marks a batch done: releases its memory and returns the waiters that may now go on.
    mutating func finish(_ batch: ProducerBatch) -> [CheckedContinuation<Void, Never>] {
        incomplete.remove(batch.id)
        bufferedBytes -= batch.reservedBytes
        batch.reservedBytes = 0
        if let index = queues[batch.topicPartition]?.unresolved.firstIndex(where: { $0 === batch }) {
            queues[batch.topicPartition]?.unresolved.remove(at: index)  // in place: no copy of the queue
        }
        var resumed = memoryWaiters
        memoryWaiters = []
        let oldest = incomplete.min() ?? Int.max
        flushWaiters.removeAll { waiter in
            guard waiter.upTo < oldest else { return false }
            resumed.append(waiter.continuation)
            return true
        }
        return resumed
    }

    /// Resets sequences after a new producer id: every partition starts again at 0.
    mutating func resetSequences() {
        for tp in queues.keys {
            queues[tp]?.nextSequence = 0
            queues[tp]?.lastAckedSequence = -1
            queues[tp]?.unresolved = []
        }
    }
}
