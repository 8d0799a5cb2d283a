import NIOCore

/// Walks the batches laid end to end in a `records` field or a log file's bytes, by their length
/// fields, without looking inside them.
///
/// A fetch response may end with a partial batch (Kafka cuts at `max.bytes`); the walk stops before it
/// and `trailingBytes` tells how many bytes were left.
public struct RecordBatchSequence: Sequence, IteratorProtocol, Sendable {
    private var remaining: ByteBuffer
    /// Set when a batch's length field is impossible (smaller than a header): the bytes are corrupt.
    public private(set) var corruption: RecordBatchError?

    public init(_ bytes: ByteBuffer) { remaining = bytes }

    /// Bytes not yet returned: a partial batch at the end, or the part after a corrupt length.
    public var trailingBytes: Int { remaining.readableBytes }

    public mutating func next() -> RecordBatch? {
        guard corruption == nil, remaining.readableBytes >= RecordBatch.logOverhead,
            let length: Int32 = remaining.getInteger(at: remaining.readerIndex + 8)
        else { return nil }
        guard length >= Int32(RecordBatch.headerSize - RecordBatch.logOverhead) else {
            corruption = .invalidBatchLength(length)
            return nil
        }
        let size = Int(length) + RecordBatch.logOverhead
        guard size <= remaining.readableBytes, let slice = remaining.readSlice(length: size) else { return nil }
        return try? RecordBatch(bytes: slice)
    }
}
