import NIOCore

/// Builds one v2 record batch: what a producer does per partition, and what the broker does for
/// transaction markers and internal topics.
///
/// Records are written once, straight into the batch's buffer behind a header placeholder; `build()`
/// fills the header (offsets, timestamps, count, CRC) in place. With compression, records go to a
/// side buffer that `build()` compresses once into the batch. `estimatedSizeInBytes` and
/// `hasRoomFor(...)` let a producer cut batches at `batch.size`.
public struct RecordBatchBuilder: Sendable {
    public let compression: CompressionType
    public let baseOffset: Int64
    public let producer: ProducerIdentity
    public let baseSequence: Int32
    public let partitionLeaderEpoch: Int32
    private let attributes: RecordBatchAttributes
    /// Header placeholder and records (uncompressed), or records only (compressed).
    private var buffer: ByteBuffer
    private let allocator: ByteBufferAllocator
    /// Records appended so far.
    public private(set) var recordCount: Int32 = 0
    private var baseTimestamp: Int64 = -1
    private var maxTimestamp: Int64 = -1

    /// - Parameters:
    ///   - baseOffset: 0 for a producer (the leader assigns offsets on append).
    ///   - producer, baseSequence: set for idempotent and transactional producers; `baseSequence` is the
    ///     sequence of the first record, and the records that follow take the next ones.
    ///   - isTransactional, isControl: attribute bits 4 and 5.
    ///   - partitionLeaderEpoch: -1 from a producer; the leader stamps it on append.
    ///   - initialCapacity: bytes to reserve for the records (for example `batch.size`).
    public init(
        baseOffset: Int64 = 0, compression: CompressionType = .none, producer: ProducerIdentity = .none,
        baseSequence: Int32 = -1, isTransactional: Bool = false, isControl: Bool = false,
        partitionLeaderEpoch: Int32 = -1, initialCapacity: Int = 1024,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) {
        self.compression = compression
        self.baseOffset = baseOffset
        self.producer = producer
        self.baseSequence = baseSequence
        self.partitionLeaderEpoch = partitionLeaderEpoch
        self.attributes = RecordBatchAttributes(
            compression: compression, isTransactional: isTransactional, isControl: isControl)
        self.allocator = allocator
        if compression == .none {
            buffer = allocator.buffer(capacity: RecordBatch.headerSize + max(initialCapacity, 0))
            buffer.writeRepeatingByte(0, count: RecordBatch.headerSize)
        } else {
            buffer = allocator.buffer(capacity: max(initialCapacity, 16))
        }
    }

    /// Bytes of records appended so far (uncompressed).
    private var recordBytes: Int { compression == .none ? buffer.readableBytes - RecordBatch.headerSize : buffer.readableBytes }

    /// The batch's size if built now. For a compressed batch this is the uncompressed size, an upper
    /// bound in practice: a producer cutting at `batch.size` then cuts early, never late.
    public var estimatedSizeInBytes: Int { RecordBatch.headerSize + recordBytes }

    /// Whether no record was appended yet.
    public var isEmpty: Bool { recordCount == 0 }

    /// Whether a record fits under `sizeLimit` bytes (`batch.size`). As in Kafka, an empty batch takes
    /// any one record, however large, so that every record can be sent.
    public func hasRoomFor(
        key: ByteBuffer?, value: ByteBuffer?, headers: [RecordHeader] = [], timestamp: Int64, sizeLimit: Int
    ) -> Bool {
        guard recordCount > 0 else { return true }
        guard recordCount < Int32.max else { return false }
        let body = RecordEncoder.bodySize(
            offsetDelta: recordCount, timestampDelta: timestamp &- baseTimestamp,
            keyLength: key?.readableBytes, valueLength: value?.readableBytes, headers: headers)
        return estimatedSizeInBytes + RecordEncoder.totalSize(bodySize: body) <= sizeLimit
    }

    /// Appends a record with the next offset. Headers keep their order; keys and values are copied
    /// into the batch once.
    public mutating func append(
        key: ByteBuffer?, value: ByteBuffer?, headers: [RecordHeader] = [], timestamp: Int64
    ) {
        if recordCount == 0 {
            baseTimestamp = timestamp
            maxTimestamp = timestamp
        } else if timestamp > maxTimestamp {
            maxTimestamp = timestamp
        }
        let timestampDelta = timestamp &- baseTimestamp
        let body = RecordEncoder.bodySize(
            offsetDelta: recordCount, timestampDelta: timestampDelta,
            keyLength: key?.readableBytes, valueLength: value?.readableBytes, headers: headers)
        RecordEncoder.write(
            to: &buffer, bodySize: body, offsetDelta: recordCount, timestampDelta: timestampDelta,
            key: key, value: value, headers: headers)
        recordCount += 1
    }

    /// Finishes the batch: compresses the records if asked, fills every header field and the CRC.
    /// An empty builder gives an empty batch (recordsCount 0, timestamps -1), like one compaction leaves.
    public consuming func build() throws(RecordBatchError) -> RecordBatch {
        // Take the buffer out of `self`, so that patching the header below does not copy the records.
        var written = ByteBuffer()
        swap(&written, &buffer)
        var bytes: ByteBuffer
        if compression == .none {
            bytes = written
        } else {
            guard let codec = compression.codec else { throw .unsupportedCompression(compression) }
            bytes = allocator.buffer(capacity: RecordBatch.headerSize + written.readableBytes / 2 + 64)
            bytes.writeRepeatingByte(0, count: RecordBatch.headerSize)
            if recordCount > 0 { try codec.compress(written, appendingTo: &bytes) }
        }
        guard bytes.readableBytes - RecordBatch.logOverhead <= Int(Int32.max) else {
            throw .invalidBatchLength(Int32.max)
        }
        writeHeader(into: &bytes)
        var batch = try RecordBatch(bytes: bytes)
        batch.updateCRC()
        return batch
    }

    private func writeHeader(into bytes: inout ByteBuffer) {
        typealias Field = RecordBatch.Field
        let start = bytes.readerIndex
        bytes.setInteger(baseOffset, at: start + Field.baseOffset)
        bytes.setInteger(Int32(bytes.readableBytes - RecordBatch.logOverhead), at: start + Field.batchLength)
        bytes.setInteger(partitionLeaderEpoch, at: start + Field.partitionLeaderEpoch)
        bytes.setInteger(RecordBatch.currentMagic, at: start + Field.magic)
        bytes.setInteger(attributes.rawValue, at: start + Field.attributes)
        bytes.setInteger(max(recordCount - 1, 0), at: start + Field.lastOffsetDelta)
        bytes.setInteger(baseTimestamp, at: start + Field.baseTimestamp)
        bytes.setInteger(maxTimestamp, at: start + Field.maxTimestamp)
        bytes.setInteger(producer.id, at: start + Field.producerId)
        bytes.setInteger(producer.epoch, at: start + Field.producerEpoch)
        bytes.setInteger(baseSequence, at: start + Field.baseSequence)
        bytes.setInteger(recordCount, at: start + Field.recordsCount)
    }
}
