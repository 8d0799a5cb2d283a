/// The producer fields of one batch, as the idempotence checks see them.
public struct ProducerBatch: Sendable, Hashable {
    public var producerId: Int64
    public var producerEpoch: Int16
    public var firstSequence: Int32
    public var lastSequence: Int32
    public var firstOffset: Int64
    public var lastOffset: Int64
    /// The batch's max timestamp (or log append time): when the producer was last seen.
    public var maxTimestamp: Int64
    /// A control batch (transaction marker): only its epoch counts.
    public var isControl: Bool

    public init(
        producerId: Int64, producerEpoch: Int16, firstSequence: Int32, lastSequence: Int32,
        firstOffset: Int64, lastOffset: Int64, maxTimestamp: Int64, isControl: Bool = false
    ) {
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
        self.firstOffset = firstOffset
        self.lastOffset = lastOffset
        self.maxTimestamp = maxTimestamp
        self.isControl = isControl
    }
}

/// What the partition remembers of one appended batch of a producer (Kafka's BatchMetadata): enough to
/// answer a retry with the original offsets.
public struct ProducerBatchMetadata: Sendable, Hashable {
    public var firstSequence: Int32
    public var lastSequence: Int32
    public var firstOffset: Int64
    public var lastOffset: Int64
    public var timestamp: Int64

    public init(firstSequence: Int32, lastSequence: Int32, firstOffset: Int64, lastOffset: Int64, timestamp: Int64) {
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
        self.firstOffset = firstOffset
        self.lastOffset = lastOffset
        self.timestamp = timestamp
    }
}

/// The state of one idempotent producer on one partition (Kafka's ProducerStateEntry): its epoch and
/// its last five batches, oldest first.
public struct ProducerStateEntry: Sendable, Hashable {
    /// How many batches Kafka keeps per producer: a producer has at most five requests in flight
    /// (`max.in.flight.requests.per.connection` ≤ 5 with idempotence), so a retry matches one of them.
    public static let batchesToRetain = 5
    /// Kafka's `RecordBatch.NO_PRODUCER_EPOCH`.
    public static let noEpoch: Int16 = -1

    public var producerId: Int64
    public var producerEpoch: Int16
    public private(set) var batches: [ProducerBatchMetadata]
    /// The timestamp of the producer's last batch (`producer.id.expiration.ms` counts from it).
    public var lastTimestamp: Int64

    public init(producerId: Int64, producerEpoch: Int16 = noEpoch, batches: [ProducerBatchMetadata] = [], lastTimestamp: Int64 = -1) {
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.batches = Array(batches.suffix(Self.batchesToRetain))
        self.lastTimestamp = lastTimestamp
    }

    /// The last sequence appended, or -1.
    public var lastSequence: Int32 { batches.last?.lastSequence ?? -1 }
    /// The last offset appended, or -1.
    public var lastDataOffset: Int64 { batches.last?.lastOffset ?? -1 }

    /// A new epoch forgets the old epoch's batches (Kafka's maybeUpdateProducerEpoch).
    mutating func updateEpoch(_ epoch: Int16) {
        guard epoch != producerEpoch else { return }
        batches.removeAll()
        producerEpoch = epoch
    }

    mutating func addBatch(_ batch: ProducerBatch) {
        updateEpoch(batch.producerEpoch)
        if batches.count == Self.batchesToRetain { batches.removeFirst() }
        batches.append(ProducerBatchMetadata(
            firstSequence: batch.firstSequence, lastSequence: batch.lastSequence,
            firstOffset: batch.firstOffset, lastOffset: batch.lastOffset, timestamp: batch.maxTimestamp))
        lastTimestamp = batch.maxTimestamp
    }

    /// A retained batch with the same epoch and sequence range (Kafka's findDuplicateBatch).
    public func duplicate(of batch: ProducerBatch) -> ProducerBatchMetadata? {
        guard batch.producerEpoch == producerEpoch else { return nil }
        return batches.first { $0.firstSequence == batch.firstSequence && $0.lastSequence == batch.lastSequence }
    }
}
