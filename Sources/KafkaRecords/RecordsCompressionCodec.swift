import NIOCore

/// A compression codec for the records section of a batch (everything after the 61-byte header is one
/// compressed stream when attribute bits 0-2 name a codec).
///
/// Gregor has gzip (`GzipCodec`). Snappy, lz4 and zstd are not in yet: reading or building such a batch
/// fails with `RecordBatchError.unsupportedCompression`, while the broker still stores and serves them
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
    /// The codec Gregor has for this type; nil for `.none` and for codecs not supported yet.
    public var codec: (any RecordsCompressionCodec)? {
        switch self {
        case .gzip: GzipCodec()
        default: nil
        }
    }

    /// Whether Gregor can read and build batches with this compression.
    public var isSupported: Bool { self == .none || codec != nil }
}
