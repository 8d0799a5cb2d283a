import NIOCore

/// Reads a batch's records one at a time, in offset order.
///
/// Created by `RecordBatch.records(maxDecompressedSize:)`, which decompresses a compressed batch once
/// up front. `next()` throws on the first malformed record; after the last declared record it checks
/// that the count and the bytes agree with the header (no missing records, no trailing bytes).
/// Swift's `IteratorProtocol` cannot throw, hence a type of its own.
public struct RecordIterator: Sendable {
    /// The records section (decompressed), and where the next record starts in it.
    private let section: ByteBuffer
    private var position = 0
    private let context: RecordDecoder.Context
    private let declaredCount: Int32
    /// How many records `next()` has returned so far.
    public private(set) var index = 0
    private var finished = false

    init(records: ByteBuffer, declaredCount: Int32, context: RecordDecoder.Context) {
        self.section = records
        self.declaredCount = declaredCount
        self.context = context
    }

    /// The next record, or nil after the last one.
    public mutating func next() throws(RecordBatchError) -> Record? {
        guard !finished else { return nil }
        let remaining = section.readableBytes - position
        guard index < Int(declaredCount) else {
            finished = true
            guard remaining == 0 else { throw .trailingBytes(remaining) }
            return nil
        }
        guard remaining > 0 else {
            finished = true
            throw .recordCountMismatch(declared: declaredCount, actual: index)
        }
        // Finished unless the decode succeeds: an error ends the iteration.
        finished = true
        let record = try RecordDecoder.decode(section, position: &position, index: index, context: context)
        finished = false
        index += 1
        return record
    }
}

extension RecordBatch {
    /// The decompressed-size cap used when the caller gives none: 64 MiB. A broker or client should pass
    /// its own limit (for example its `message.max.bytes` or fetch size times a sane ratio).
    public static let defaultMaxDecompressedSize = 64 << 20

    /// The records section as stored: everything after the 61-byte header (compressed if the batch is).
    public var recordsSection: ByteBuffer {
        bytes.getSlice(at: bytes.readerIndex + Self.headerSize, length: sizeInBytes - Self.headerSize)
            ?? ByteBuffer()
    }

    /// An iterator over the records, decompressing the batch first when needed.
    ///
    /// - Parameter maxDecompressedSize: a compressed batch that would inflate past this many bytes fails
    ///   with `.decompressedSizeExceeded` instead of exhausting memory.
    /// - Throws: `.unsupportedCompression` for codecs Gregor lacks, `.corruptCompressedData`,
    ///   `.decompressedSizeExceeded`, `.invalidRecordCount`. Does not check the CRC (see `validate()`).
    public func records(
        maxDecompressedSize: Int = RecordBatch.defaultMaxDecompressedSize
    ) throws(RecordBatchError) -> RecordIterator {
        let declared = recordCount
        guard declared >= 0 else { throw .invalidRecordCount(declared) }
        var section = recordsSection
        let compression = attributes.compression
        // A compacted batch may keep its codec bit with no payload at all: nothing to inflate.
        if compression != .none, section.readableBytes > 0 {
            guard let codec = compression.codec else { throw .unsupportedCompression(compression) }
            section = try codec.decompress(section, limit: maxDecompressedSize)
        }
        let context = RecordDecoder.Context(
            baseOffset: baseOffset, baseTimestamp: baseTimestamp,
            logAppendTime: attributes.timestampType == .logAppendTime ? maxTimestamp : nil)
        return RecordIterator(records: section, declaredCount: declared, context: context)
    }

    /// All records of the batch, checked to the last byte. Convenient for tests, tools and consumers;
    /// the broker's produce path uses `validateProducedBatch()` instead and never decodes records.
    public func decodeRecords(
        maxDecompressedSize: Int = RecordBatch.defaultMaxDecompressedSize
    ) throws(RecordBatchError) -> [Record] {
        var iterator = try records(maxDecompressedSize: maxDecompressedSize)
        var result: [Record] = []
        result.reserveCapacity(min(Int(recordCount), sizeInBytes / RecordFraming.minimumRecordSize))
        while let record = try iterator.next() { result.append(record) }
        return result
    }
}
