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

    /// Writes the record (length prefix first) with one access to `buffer`'s memory.
    static func write(
        to buffer: inout ByteBuffer, bodySize: Int, offsetDelta: Int32, timestampDelta: Int64,
        key: ByteBuffer?, value: ByteBuffer?, headers: [RecordHeader]
    ) {
        let total = totalSize(bodySize: bodySize)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { memory in
            var writer = RawWriter(memory)
            writer.writeVarint(Int64(bodySize))
            writer.writeByte(0)  // attributes: unused
            writer.writeVarint(timestampDelta)
            writer.writeVarint(Int64(offsetDelta))
            writeBytes(key, to: &writer)
            writeBytes(value, to: &writer)
            writer.writeVarint(Int64(headers.count))
            for header in headers {
                let utf8 = header.key.utf8
                writer.writeVarint(Int64(utf8.count))
                let contiguous: Void? = utf8.withContiguousStorageIfAvailable { writer.write(UnsafeRawBufferPointer($0)) }
                if contiguous == nil { for byte in utf8 { writer.writeByte(byte) } }
                writeBytes(header.value, to: &writer)
            }
            assert(writer.position == total, "record size computed as \(total), wrote \(writer.position)")
            return writer.position
        }
    }

    @inline(__always)
    private static func writeBytes(_ bytes: ByteBuffer?, to writer: inout RawWriter) {
        guard let bytes else {
            writer.writeVarint(-1)
            return
        }
        writer.writeVarint(Int64(bytes.readableBytes))
        bytes.withUnsafeReadableBytes { writer.write($0) }
    }
}
