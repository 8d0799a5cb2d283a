import NIOCore

/// Decodes one record from a batch's records section.
///
/// Every length is checked against the bytes that are really there before it is used, so malformed
/// input ends in a `RecordBatchError.corruptRecord`, never a trap. Keys, values and header values come
/// out as slices of the input; only header keys (Strings) and the header array are allocated.
enum RecordDecoder {
    struct Context {
        var baseOffset: Int64
        var baseTimestamp: Int64
        /// The batch's max timestamp when the batch uses LogAppendTime; records then report it.
        var logAppendTime: Int64?
    }

    static func decode(
        _ remaining: inout ByteBuffer, index: Int, context: Context
    ) throws(RecordBatchError) -> Record {
        func fail(_ reason: String) -> RecordBatchError { .corruptRecord(index: index, reason: reason) }

        guard let length = remaining.readVarint32() else { throw fail("malformed length varint") }
        guard length >= 0 else { throw fail("negative length \(length)") }
        guard Int(length) <= remaining.readableBytes, var body = remaining.readSlice(length: Int(length)) else {
            throw fail("length \(length) runs past the end of the batch (\(remaining.readableBytes) bytes left)")
        }
        guard let attributes: Int8 = body.readInteger() else { throw fail("no attributes byte") }
        guard let timestampDelta = body.readVarint(maxBytes: 10) else { throw fail("malformed timestampDelta") }
        guard let offsetDelta = body.readVarint32() else { throw fail("malformed offsetDelta") }
        let key = try readBytes(&body, "key", fail)
        let value = try readBytes(&body, "value", fail)
        guard let headerCount = body.readVarint32() else { throw fail("malformed headers count") }
        // Each header takes at least two bytes (key length, value length): a larger count is a lie, and
        // must not size an allocation.
        guard headerCount >= 0, Int(headerCount) <= body.readableBytes / 2 else {
            throw fail("headers count \(headerCount) does not fit the record's \(body.readableBytes) remaining bytes")
        }
        var headers: [RecordHeader] = []
        if headerCount > 0 {
            headers.reserveCapacity(Int(headerCount))
            for _ in 0..<headerCount {
                guard let keyLength = body.readVarint32() else { throw fail("malformed header key length") }
                guard keyLength >= 0 else { throw fail("header key length \(keyLength): header keys may not be null") }
                guard Int(keyLength) <= body.readableBytes, let headerKey = body.readString(length: Int(keyLength)) else {
                    throw fail("header key length \(keyLength) runs past the record end")
                }
                headers.append((key: headerKey, value: try readBytes(&body, "header value", fail)))
            }
        }
        guard body.readableBytes == 0 else {
            throw fail("\(body.readableBytes) bytes left inside the record after its headers")
        }
        return Record(
            offset: context.baseOffset &+ Int64(offsetDelta),
            timestamp: context.logAppendTime ?? (context.baseTimestamp &+ timestampDelta),
            key: key, value: value, headers: headers, attributes: attributes)
    }

    /// Reads a varint length and that many bytes as a slice; length -1 is null.
    @inline(__always)
    private static func readBytes(
        _ body: inout ByteBuffer, _ what: String, _ fail: (String) -> RecordBatchError
    ) throws(RecordBatchError) -> ByteBuffer? {
        guard let length = body.readVarint32() else { throw fail("malformed \(what) length") }
        if length == -1 { return nil }
        guard length >= 0 else { throw fail("\(what) length \(length) is negative (only -1, null, is allowed)") }
        guard Int(length) <= body.readableBytes, let bytes = body.readSlice(length: Int(length)) else {
            throw fail("\(what) length \(length) runs past the record end (\(body.readableBytes) bytes left)")
        }
        return bytes
    }
}
