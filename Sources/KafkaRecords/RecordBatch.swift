import NIOCore

/// One record batch (magic v2) as its bytes: the same bytes on the wire, in memory and on disk.
///
/// Fields are read from the bytes on demand; nothing is copied or parsed up front. The broker patches
/// `baseOffset` and `partitionLeaderEpoch` in place, which the CRC does not cover (see
/// `../shared/kafka-protocol/README.md`, "Record batch format").
public struct RecordBatch: Sendable, Hashable {
    /// The batch's bytes, exactly `batchLength + 12` of them, reader index at the batch's start.
    public private(set) var bytes: ByteBuffer

    /// Wraps bytes that hold exactly one batch, checking only that the header is there and the sizes
    /// agree. Call `validate()` to check magic and CRC.
    public init(bytes: ByteBuffer) throws(RecordBatchError) {
        guard bytes.readableBytes >= Self.headerSize else {
            throw .truncated(needed: Self.headerSize, available: bytes.readableBytes)
        }
        self.bytes = bytes
        let declared = Int(batchLength) + Self.logOverhead
        guard batchLength >= Int32(Self.headerSize - Self.logOverhead) else { throw .invalidBatchLength(batchLength) }
        guard declared == bytes.readableBytes else {
            throw .truncated(needed: declared, available: bytes.readableBytes)
        }
    }

    // MARK: Layout

    /// Bytes before `batchLength` counts: baseOffset and batchLength itself.
    public static let logOverhead = 12
    /// Bytes of the fixed header, up to and including `recordsCount`.
    public static let headerSize = 61
    /// The only magic this type reads.
    public static let currentMagic: Int8 = 2
    /// Where the CRC'd part begins (the attributes).
    public static let crcStart = 21

    @usableFromInline enum Field {
        static let baseOffset = 0, batchLength = 8, partitionLeaderEpoch = 12, magic = 16, crc = 17
        static let attributes = 21, lastOffsetDelta = 23, baseTimestamp = 27, maxTimestamp = 35
        static let producerId = 43, producerEpoch = 51, baseSequence = 53, recordsCount = 57
    }

    /// Reads a header field. `init` checked that the whole header is there, and `bytes` cannot shrink
    /// from outside, so the fallback never happens.
    @inline(__always)
    private func field<T: FixedWidthInteger>(_ offset: Int, as: T.Type = T.self) -> T {
        bytes.getInteger(at: bytes.readerIndex + offset) ?? 0
    }

    // MARK: Header fields

    /// Offset of the first record; the leader assigns it on append.
    public var baseOffset: Int64 {
        get { field(Field.baseOffset) }
        set { bytes.setInteger(newValue, at: bytes.readerIndex + Field.baseOffset) }
    }
    /// Bytes after the `batchLength` field.
    public var batchLength: Int32 { field(Field.batchLength) }
    /// The leader epoch the leader stamped on append, or -1.
    public var partitionLeaderEpoch: Int32 {
        get { field(Field.partitionLeaderEpoch) }
        set { bytes.setInteger(newValue, at: bytes.readerIndex + Field.partitionLeaderEpoch) }
    }
    public var magic: Int8 { field(Field.magic) }
    /// The stored CRC-32C of bytes 21 to the end.
    public var crc: UInt32 { field(Field.crc) }
    public var attributes: RecordBatchAttributes { RecordBatchAttributes(rawValue: field(Field.attributes)) }
    public var lastOffsetDelta: Int32 { field(Field.lastOffsetDelta) }
    public var baseTimestamp: Int64 { field(Field.baseTimestamp) }
    public var maxTimestamp: Int64 { field(Field.maxTimestamp) }
    public var producerId: Int64 { field(Field.producerId) }
    public var producerEpoch: Int16 { field(Field.producerEpoch) }
    public var baseSequence: Int32 { field(Field.baseSequence) }
    public var recordCount: Int32 { field(Field.recordsCount) }

    /// The producer id and epoch from the header (`.none` for a plain producer).
    public var producer: ProducerIdentity { ProducerIdentity(id: producerId, epoch: producerEpoch) }

    /// Offset of the last record (or the last offset the batch ever held, after compaction).
    /// Wraps rather than traps on absurd header values, as Kafka's arithmetic does.
    public var lastOffset: Int64 { baseOffset &+ Int64(lastOffsetDelta) }
    /// The offset that follows this batch.
    public var nextOffset: Int64 { lastOffset &+ 1 }
    /// Size of the whole batch in bytes.
    public var sizeInBytes: Int { bytes.readableBytes }
    /// Sequence of the last record, wrapping after Int32.max as Kafka's does.
    public var lastSequence: Int32 {
        baseSequence < 0 ? -1 : Int32(truncatingIfNeeded: (Int64(baseSequence) + Int64(lastOffsetDelta)) % (Int64(Int32.max) + 1))
    }
    /// Whether the batch came from an idempotent or transactional producer.
    public var hasProducerId: Bool { producerId >= 0 }

    // MARK: CRC and in-place updates

    /// The CRC-32C computed over the bytes now.
    public func computeCRC() -> UInt32 {
        bytes.withUnsafeReadableBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[Self.crcStart...])) }
    }

    /// Overwrites attributes and max timestamp (as a LogAppendTime broker does) and recomputes the CRC,
    /// since both lie inside the checksummed part.
    public mutating func setLogAppendTime(_ timestamp: Int64) {
        var attributes = self.attributes
        attributes.timestampType = .logAppendTime
        bytes.setInteger(attributes.rawValue, at: bytes.readerIndex + Field.attributes)
        bytes.setInteger(timestamp, at: bytes.readerIndex + Field.maxTimestamp)
        bytes.setInteger(computeCRC(), at: bytes.readerIndex + Field.crc)
    }

    /// Rewrites producer id, epoch and base sequence and recomputes the CRC (they lie inside it): what a
    /// producer does when it assigns sequences at send time, or again after an epoch bump.
    public mutating func setProducerState(_ producer: ProducerIdentity, baseSequence: Int32) {
        bytes.setInteger(producer.id, at: bytes.readerIndex + Field.producerId)
        bytes.setInteger(producer.epoch, at: bytes.readerIndex + Field.producerEpoch)
        bytes.setInteger(baseSequence, at: bytes.readerIndex + Field.baseSequence)
        updateCRC()
    }

    /// Recomputes and stores the CRC (after a builder wrote the fields).
    public mutating func updateCRC() {
        bytes.setInteger(computeCRC(), at: bytes.readerIndex + Field.crc)
    }
}
