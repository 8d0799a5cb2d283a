import KafkaRecords
import NIOCore

/// The fixed 61-byte header of a record batch, read from a file without the batch's records: what
/// index rebuilds, producer-state rebuilds and offset lookups need.
struct BatchHeader: Sendable, Hashable {
    var baseOffset: Int64
    var batchLength: Int32
    var partitionLeaderEpoch: Int32
    var magic: Int8
    var attributes: RecordBatchAttributes
    var lastOffsetDelta: Int32
    var baseTimestamp: Int64
    var maxTimestamp: Int64
    var producerId: Int64
    var producerEpoch: Int16
    var baseSequence: Int32
    var recordCount: Int32

    /// Reads the header at `index`; nil when fewer than 61 bytes are there.
    init?(_ buffer: ByteBuffer, at index: Int) {
        guard buffer.readableBytes - (index - buffer.readerIndex) >= RecordBatch.headerSize,
            let baseOffset: Int64 = buffer.getInteger(at: index),
            let batchLength: Int32 = buffer.getInteger(at: index + 8),
            let epoch: Int32 = buffer.getInteger(at: index + 12),
            let magic: Int8 = buffer.getInteger(at: index + 16),
            let attributes: Int16 = buffer.getInteger(at: index + 21),
            let lastOffsetDelta: Int32 = buffer.getInteger(at: index + 23),
            let baseTimestamp: Int64 = buffer.getInteger(at: index + 27),
            let maxTimestamp: Int64 = buffer.getInteger(at: index + 35),
            let producerId: Int64 = buffer.getInteger(at: index + 43),
            let producerEpoch: Int16 = buffer.getInteger(at: index + 51),
            let baseSequence: Int32 = buffer.getInteger(at: index + 53),
            let recordCount: Int32 = buffer.getInteger(at: index + 57)
        else { return nil }
        self.baseOffset = baseOffset
        self.batchLength = batchLength
        self.partitionLeaderEpoch = epoch
        self.magic = magic
        self.attributes = RecordBatchAttributes(rawValue: attributes)
        self.lastOffsetDelta = lastOffsetDelta
        self.baseTimestamp = baseTimestamp
        self.maxTimestamp = maxTimestamp
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
        self.recordCount = recordCount
    }

    /// The header of a batch in memory (its init checked the 61 bytes are there).
    init(_ batch: RecordBatch) {
        baseOffset = batch.baseOffset
        batchLength = batch.batchLength
        partitionLeaderEpoch = batch.partitionLeaderEpoch
        magic = batch.magic
        attributes = batch.attributes
        lastOffsetDelta = batch.lastOffsetDelta
        baseTimestamp = batch.baseTimestamp
        maxTimestamp = batch.maxTimestamp
        producerId = batch.producerId
        producerEpoch = batch.producerEpoch
        baseSequence = batch.baseSequence
        recordCount = batch.recordCount
    }

    var sizeInBytes: Int { Int(batchLength) + RecordBatch.logOverhead }
    var lastOffset: Int64 { baseOffset + Int64(lastOffsetDelta) }
    var nextOffset: Int64 { lastOffset + 1 }
    var lastSequence: Int32 {
        baseSequence < 0 ? -1 : Int32(truncatingIfNeeded: (Int64(baseSequence) + Int64(lastOffsetDelta)) % (Int64(Int32.max) + 1))
    }

    /// What the producer-state bookkeeping needs from this batch.
    var producerBatch: ProducerBatch {
        ProducerBatch(
            producerId: producerId, producerEpoch: producerEpoch, firstSequence: baseSequence,
            lastSequence: lastSequence, firstOffset: baseOffset, lastOffset: lastOffset,
            maxTimestamp: maxTimestamp, isControl: attributes.isControl)
    }
}
