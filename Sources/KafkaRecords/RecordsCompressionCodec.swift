import NIOCore

/// A compression codec for the records section of a batch (everything after the 61-byte header is one
/// compressed stream when attribute bits 0-2 name a codec).
///
/// Gregor has gzip (`GzipCodec`, on zlib), snappy (`SnappyCodec`) and lz4 (`LZ4Codec`), the last two in
/// pure Swift. **zstd is not supported**: reading or building a zstd batch fails with
/// `RecordBatchError.unsupportedCompression(.zstd)`, while the broker still stores and serves such batches
/// untouched, since the produce path checks a compressed batch by its CRC only. Adding a codec means a
/// type conforming to this protocol and one line in `CompressionType.codec`.
public protocol RecordsCompressionCodec: Sendable {
    /// The attribute value this codec reads and writes.
    var type: CompressionType { get }

    /// Compresses the readable bytes of `records` and appends the stream to `output`.
    func compress(_ records: ByteBuffer, appendingTo output: inout ByteBuffer) throws(RecordBatchError)

    /// Decompresses a whole records section. Fails with `.decompressedSizeExceeded(limit:)` rather than
    /// produce more than `limit` bytes, and with `.corruptCompressedData` on a bad or truncated stream.
    func decompress(_ compressed: ByteBuffer, limit: Int) throws(RecordBatchError) -> ByteBuffer
}

extension CompressionType {
    /// The codec Gregor has for this type; nil for `.none`, for zstd (not supported) and unknown ids.
    public var codec: (any RecordsCompressionCodec)? {
        switch self {
        case .gzip: GzipCodec()
        case .snappy: SnappyCodec()
        case .lz4: LZ4Codec()
        default: nil
        }
    }

    /// Whether Gregor can read and build batches with this compression.
    public var isSupported: Bool { self == .none || codec != nil }
}
