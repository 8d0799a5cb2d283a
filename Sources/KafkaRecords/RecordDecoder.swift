import NIOCore

/// Decodes one record from a batch's records section.
///
/// Every length is checked against the bytes that are really there before it is used, so malformed
/// input ends in a `RecordBatchError.corruptRecord`, never a trap. Fields are parsed from raw memory
/// in one buffer access per record into a plain `Layout`; keys, values and header values then come out
/// as slices of the section, so only header keys (Strings) and the header array are allocated.
enum RecordDecoder {
    struct Context {
        var baseOffset: Int64
        var baseTimestamp: Int64
        /// The batch's max timestamp when the batch uses LogAppendTime; records then report it.
        var logAppendTime: Int64?
    }

    /// Where a record's fields lie, relative to the section's reader index. Lengths of -1 mean null.
    struct Layout {
        var attributes: UInt8 = 0
        var timestampDelta: Int64 = 0
        var offsetDelta: Int32 = 0
        var keyStart = 0, keyLength: Int32 = -1
        var valueStart = 0, valueLength: Int32 = -1
        var headerCount: Int32 = 0
        var headersStart = 0
        var end = 0
    }

    /// Decodes the record at `position` (relative to `section`'s reader index) and moves past it.
    static func decode(
        _ section: ByteBuffer, position: inout Int, index: Int, context: Context
    ) throws(RecordBatchError) -> Record {
        let start = position
        let parsed = section.withUnsafeReadableBytes { raw -> Result<Layout, RecordBatchError> in
            var reader = RawReader(raw, position: start)
            do throws(RecordBatchError) {
                return .success(try parseLayout(&reader, index: index))
            } catch {
                return .failure(error)
            }
        }
        let layout = try parsed.get()
        let headers = layout.headerCount > 0 ? try readHeaders(section, layout, index: index) : []
        position = layout.end
        return Record(
            offset: context.baseOffset &+ Int64(layout.offsetDelta),
            timestamp: context.logAppendTime ?? (context.baseTimestamp &+ layout.timestampDelta),
            key: slice(section, layout.keyStart, layout.keyLength),
            value: slice(section, layout.valueStart, layout.valueLength),
            headers: headers, attributes: Int8(bitPattern: layout.attributes))
    }

    @inline(__always)
    private static func slice(_ section: ByteBuffer, _ start: Int, _ length: Int32) -> ByteBuffer? {
        guard length >= 0 else { return nil }
        return section.getSlice(at: section.readerIndex + start, length: Int(length))
    }

    private static func parseLayout(_ reader: inout RawReader, index: Int) throws(RecordBatchError) -> Layout {
        func fail(_ reason: String) -> RecordBatchError { .corruptRecord(index: index, reason: reason) }

        guard let length = reader.readVarint32() else { throw fail("malformed length varint") }
        guard length >= 0 else { throw fail("negative length \(length)") }
        guard Int(length) <= reader.remaining else {
            throw fail("length \(length) runs past the end of the batch (\(reader.remaining) bytes left)")
        }
        var layout = Layout()
        layout.end = reader.position + Int(length)
        // Parse inside the record's own bounds, so no field can reach into the next record.
        var body = RawReader(UnsafeRawBufferPointer(rebasing: reader.bytes[..<layout.end]), position: reader.position)
        guard let attributes = body.readByte() else { throw fail("no attributes byte") }
        guard let timestampDelta = body.readVarint64() else { throw fail("malformed timestampDelta") }
        guard let offsetDelta = body.readVarint32() else { throw fail("malformed offsetDelta") }
        layout.attributes = attributes
        layout.timestampDelta = timestampDelta
        layout.offsetDelta = offsetDelta
        (layout.keyStart, layout.keyLength) = try skipBytes(&body, "key", fail)
        (layout.valueStart, layout.valueLength) = try skipBytes(&body, "value", fail)
        guard let headerCount = body.readVarint32() else { throw fail("malformed headers count") }
        // Each header takes at least two bytes (key length, value length): a larger count is a lie, and
        // must not size an allocation.
        guard headerCount >= 0, Int(headerCount) <= body.remaining / 2 else {
            throw fail("headers count \(headerCount) does not fit the record's \(body.remaining) remaining bytes")
        }
        layout.headerCount = headerCount
        layout.headersStart = body.position
        if headerCount == 0, body.remaining != 0 {
            throw fail("\(body.remaining) bytes left inside the record after its headers")
        }
        return layout
    }

    private static func readHeaders(_ section: ByteBuffer, _ layout: Layout, index: Int) throws(RecordBatchError) -> [RecordHeader] {
        func fail(_ reason: String) -> RecordBatchError { .corruptRecord(index: index, reason: reason) }
        typealias Parsed = [(key: String, valueStart: Int, valueLength: Int32)]
        let parsed = section.withUnsafeReadableBytes { raw -> Result<Parsed, RecordBatchError> in
            var body = RawReader(UnsafeRawBufferPointer(rebasing: raw[..<layout.end]), position: layout.headersStart)
            var headers: Parsed = []
            headers.reserveCapacity(Int(layout.headerCount))
            do throws(RecordBatchError) {
                for _ in 0..<layout.headerCount {
                    guard let keyLength = body.readVarint32() else { throw fail("malformed header key length") }
                    guard keyLength >= 0 else { throw fail("header key length \(keyLength): header keys may not be null") }
                    guard Int(keyLength) <= body.remaining else { throw fail("header key length \(keyLength) runs past the record end") }
                    let keyEnd = body.position + Int(keyLength)
                    let key = String(decoding: UnsafeRawBufferPointer(rebasing: body.bytes[body.position..<keyEnd]), as: UTF8.self)
                    body.position = keyEnd
                    let (valueStart, valueLength) = try skipBytes(&body, "header value", fail)
                    headers.append((key, valueStart, valueLength))
                }
                guard body.remaining == 0 else { throw fail("\(body.remaining) bytes left inside the record after its headers") }
                return .success(headers)
            } catch {
                return .failure(error)
            }
        }
        return try parsed.get().map { (key: $0.key, value: slice(section, $0.valueStart, $0.valueLength)) }
    }

    /// Reads a varint length and steps over that many bytes; returns where they start and the length
    /// (-1 for null).
    @inline(__always)
    private static func skipBytes(
        _ body: inout RawReader, _ what: String, _ fail: (String) -> RecordBatchError
    ) throws(RecordBatchError) -> (start: Int, length: Int32) {
        guard let length = body.readVarint32() else { throw fail("malformed \(what) length") }
        if length == -1 { return (body.position, -1) }
        guard length >= 0 else { throw fail("\(what) length \(length) is negative (only -1, null, is allowed)") }
        guard Int(length) <= body.remaining else {
            throw fail("\(what) length \(length) runs past the record end (\(body.remaining) bytes left)")
        }
        defer { body.position += Int(length) }
        return (body.position, length)
    }
}
