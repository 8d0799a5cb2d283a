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

    @inline(__always)
    private func field<T: FixedWidthInteger>(_ offset: Int, as: T.Type = T.self) -> T {
        bytes.getInteger(at: bytes.readerIndex + offset)!
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

    /// Offset of the last record (or the last offset the batch ever held, after compaction).
    public var lastOffset: Int64 { baseOffset + Int64(lastOffsetDelta) }
    /// The offset that follows this batch.
    public var nextOffset: Int64 { lastOffset + 1 }
    /// Size of the whole batch in bytes.
    public var sizeInBytes: Int { bytes.readableBytes }
    /// Sequence of the last record, wrapping after Int32.max as Kafka's does.
    public var lastSequence: Int32 {
        baseSequence < 0 ? -1 : Int32(truncatingIfNeeded: (Int64(baseSequence) + Int64(lastOffsetDelta)) % (Int64(Int32.max) + 1))
    }
    /// Whether the batch came from an idempotent or transactional producer.
    public var hasProducerId: Bool { producerId >= 0 }

    // MARK: Checks

    /// The CRC-32C computed over the bytes now.
    public func computeCRC() -> UInt32 {
        bytes.withUnsafeReadableBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[Self.crcStart...])) }
    }

    /// Checks magic and CRC: what a broker must check before it appends a client's batch.
    public func validate() throws(RecordBatchError) {
        guard magic == Self.currentMagic else { throw .unsupportedMagic(magic) }
        let computed = computeCRC()
        guard computed == crc else { throw .crcMismatch(stored: crc, computed: computed) }
        guard recordCount >= 0, lastOffsetDelta >= 0 else { throw .invalidRecordCount(recordCount) }
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

    /// Recomputes and stores the CRC (after a builder wrote the fields).
    public mutating func updateCRC() {
        bytes.setInteger(computeCRC(), at: bytes.readerIndex + Field.crc)
    }
}

/// The attribute bits of a batch.
public struct RecordBatchAttributes: Sendable, Hashable {
    public var rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public init(
        compression: CompressionType = .none, timestampType: TimestampType = .createTime,
        isTransactional: Bool = false, isControl: Bool = false
    ) {
        rawValue = 0
        self.compression = compression
        self.timestampType = timestampType
        self.isTransactional = isTransactional
        self.isControl = isControl
    }

    /// Bits 0-2.
    public var compression: CompressionType {
        get { CompressionType(rawValue: Int8(rawValue & 0x7)) }
        set { rawValue = (rawValue & ~0x7) | Int16(newValue.rawValue & 0x7) }
    }
    /// Bit 3.
    public var timestampType: TimestampType {
        get { rawValue & 0x8 != 0 ? .logAppendTime : .createTime }
        set { rawValue = newValue == .logAppendTime ? rawValue | 0x8 : rawValue & ~0x8 }
    }
    /// Bit 4.
    public var isTransactional: Bool {
        get { rawValue & 0x10 != 0 }
        set { rawValue = newValue ? rawValue | 0x10 : rawValue & ~0x10 }
    }
    /// Bit 5.
    public var isControl: Bool {
        get { rawValue & 0x20 != 0 }
        set { rawValue = newValue ? rawValue | 0x20 : rawValue & ~0x20 }
    }
    /// Bit 6: `baseTimestamp` holds the delete horizon.
    public var hasDeleteHorizon: Bool { rawValue & 0x40 != 0 }
}

/// Which clock a batch's timestamps come from (`message.timestamp.type`).
public enum TimestampType: Sendable, Hashable {
    /// Set by the producer.
    case createTime
    /// Set by the broker when it appended the batch.
    case logAppendTime
}

/// The compression codec of a batch (attribute bits 0-2). An open set: unknown values are kept.
public struct CompressionType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int8
    public init(rawValue: Int8) { self.rawValue = rawValue }

    public static let none = CompressionType(rawValue: 0)
    public static let gzip = CompressionType(rawValue: 1)
    public static let snappy = CompressionType(rawValue: 2)
    public static let lz4 = CompressionType(rawValue: 3)
    public static let zstd = CompressionType(rawValue: 4)

    /// Kafka's name for the codec (`compression.type` values).
    public var description: String {
        switch self {
        case .none: "none"
        case .gzip: "gzip"
        case .snappy: "snappy"
        case .lz4: "lz4"
        case .zstd: "zstd"
        default: "unknown(\(rawValue))"
        }
    }

    /// Parses Kafka's names (`none`, `gzip`, `snappy`, `lz4`, `zstd`).
    public init?(name: String) {
        switch name.lowercased() {
        case "none", "uncompressed": self = .none
        case "gzip": self = .gzip
        case "snappy": self = .snappy
        case "lz4": self = .lz4
        case "zstd": self = .zstd
        default: return nil
        }
    }
}

/// What can be wrong with a batch's bytes.
public enum RecordBatchError: Error, Sendable, Hashable, CustomStringConvertible {
    case truncated(needed: Int, available: Int)
    case invalidBatchLength(Int32)
    case unsupportedMagic(Int8)
    case crcMismatch(stored: UInt32, computed: UInt32)
    case invalidRecordCount(Int32)
    case corruptRecord(String)
    case unsupportedCompression(CompressionType)
    case compressionFailed(String)

    public var description: String {
        switch self {
        case .truncated(let needed, let available): "record batch truncated: needs \(needed) bytes, has \(available)"
        case .invalidBatchLength(let length): "invalid record batch length \(length)"
        case .unsupportedMagic(let magic): "unsupported record batch magic \(magic) (only v2 is supported)"
        case .crcMismatch(let stored, let computed):
            "record batch CRC mismatch: stored \(String(stored, radix: 16)), computed \(String(computed, radix: 16))"
        case .invalidRecordCount(let count): "invalid record count \(count)"
        case .corruptRecord(let why): "corrupt record: \(why)"
        case .unsupportedCompression(let type): "compression \(type) is not supported by Gregor yet"
        case .compressionFailed(let why): "compression failed: \(why)"
        }
    }
}
