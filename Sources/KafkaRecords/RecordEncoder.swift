import NIOCore

/// Writes one record in the v2 layout, length prefix first, computing the length from the field sizes so
/// that every byte is written exactly once.
enum RecordEncoder {
    /// Bytes of the record after its length prefix.
    @inline(__always)
    static func bodySize(
        offsetDelta: Int32, timestampDelta: Int64, keyLength: Int?, valueLength: Int?, headers: [RecordHeader]
    ) -> Int {
        var size = 1 + Varint.size(timestampDelta) + Varint.size(Int64(offsetDelta))
        size += bytesSize(keyLength) + bytesSize(valueLength)
        size += Varint.size(Int64(headers.count))
        for header in headers {
            let keyLength = header.key.utf8.count
            size += Varint.size(Int64(keyLength)) + keyLength + bytesSize(header.value?.readableBytes)
        }
        return size
    }

    /// Bytes of the whole record, length prefix included.
    @inline(__always)
    static func totalSize(bodySize: Int) -> Int { Varint.size(Int64(bodySize)) + bodySize }

    @inline(__always)
    private static func bytesSize(_ length: Int?) -> Int {
        guard let length else { return 1 }  // -1 is one zigzag byte
        return Varint.size(Int64(length)) + length
    }

    static func write(
        to buffer: inout ByteBuffer, bodySize: Int, offsetDelta: Int32, timestampDelta: Int64,
        key: ByteBuffer?, value: ByteBuffer?, headers: [RecordHeader]
    ) {
        buffer.writeVarint(Int64(bodySize))
        buffer.writeInteger(Int8(0))  // attributes: unused
        buffer.writeVarint(timestampDelta)
        buffer.writeVarint(Int64(offsetDelta))
        writeBytes(key, to: &buffer)
        writeBytes(value, to: &buffer)
        buffer.writeVarint(Int64(headers.count))
        for header in headers {
            buffer.writeVarint(Int64(header.key.utf8.count))
            buffer.writeString(header.key)
            writeBytes(header.value, to: &buffer)
        }
    }

    @inline(__always)
    private static func writeBytes(_ bytes: ByteBuffer?, to buffer: inout ByteBuffer) {
        guard let bytes else {
            buffer.writeVarint(-1)
            return
        }
        buffer.writeVarint(Int64(bytes.readableBytes))
        buffer.writeImmutableBuffer(bytes)
    }
}
