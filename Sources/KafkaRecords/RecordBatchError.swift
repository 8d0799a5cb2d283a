/// What can be wrong with a batch's bytes (or with building one).
///
/// A closed set of cases, so callers can switch over it; the broker maps them to Kafka error codes at its
/// edge (`CORRUPT_MESSAGE` for most, `UNSUPPORTED_COMPRESSION_TYPE`, `UNSUPPORTED_FOR_MESSAGE_FORMAT`).
/// Every decode path in this module throws one of these instead of trapping on bad input.
public enum RecordBatchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Fewer bytes than the header or the length field asks for.
    case truncated(needed: Int, available: Int)
    /// `batchLength` is smaller than a header.
    case invalidBatchLength(Int32)
    /// Not a magic v2 batch.
    case unsupportedMagic(Int8)
    case crcMismatch(stored: UInt32, computed: UInt32)
    /// `recordsCount` or `lastOffsetDelta` is negative.
    case invalidRecordCount(Int32)
    /// A producer's batch must cover exactly its records: `lastOffsetDelta + 1 == recordsCount`.
    case offsetRangeMismatch(lastOffsetDelta: Int32, recordCount: Int32)
    /// The records section holds a different number of records than `recordsCount` says.
    case recordCountMismatch(declared: Int32, actual: Int)
    /// Bytes left over in the records section after the last record.
    case trailingBytes(Int)
    /// Record `index` (0-based, in batch order) is malformed; `reason` says how.
    case corruptRecord(index: Int, reason: String)
    /// A control record whose key or value cannot be read.
    case invalidControlRecord(String)
    /// A codec Gregor cannot read or write (zstd, or an unknown id).
    case unsupportedCompression(CompressionType)
    /// The compressed records section is not a valid stream of its codec.
    case corruptCompressedData(CompressionType, String)
    /// Decompressing would produce more than `limit` bytes (a decompression-bomb guard).
    case decompressedSizeExceeded(limit: Int)
    /// The codec failed while compressing (out of memory, or an internal codec error).
    case compressionFailed(String)

    public var description: String {
        switch self {
        case .truncated(let needed, let available): "record batch truncated: needs \(needed) bytes, has \(available)"
        case .invalidBatchLength(let length): "invalid record batch length \(length)"
        case .unsupportedMagic(let magic): "unsupported record batch magic \(magic) (only v2 is supported)"
        case .crcMismatch(let stored, let computed):
            "record batch CRC mismatch: stored \(String(stored, radix: 16)), computed \(String(computed, radix: 16))"
        case .invalidRecordCount(let count): "invalid record count \(count)"
        case .offsetRangeMismatch(let delta, let count):
            "record batch offset range (lastOffsetDelta \(delta)) does not match its record count \(count)"
        case .recordCountMismatch(let declared, let actual):
            "record batch declares \(declared) records but holds \(actual)"
        case .trailingBytes(let count): "\(count) bytes left after the last record of the batch"
        case .corruptRecord(let index, let reason): "corrupt record \(index): \(reason)"
        case .invalidControlRecord(let why): "invalid control record: \(why)"
        case .unsupportedCompression(let type): "compression \(type) is not supported by Gregor yet"
        case .corruptCompressedData(let type, let why): "corrupt \(type) data in record batch: \(why)"
        case .decompressedSizeExceeded(let limit):
            "record batch decompresses to more than \(limit) bytes; refusing (decompression limit)"
        case .compressionFailed(let why): "compression failed: \(why)"
        }
    }
}
