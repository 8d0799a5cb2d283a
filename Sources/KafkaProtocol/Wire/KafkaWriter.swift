import KafkaRecords
import NIOCore

/// Where encoded messages go: a byte buffer, plus the file ranges to send between its bytes.
///
/// Generated `encode(to:version:)` methods write every field into `buffer`. A `records` field that is a
/// file range writes only its length prefix and leaves a splice: the connection then sends the buffer
/// up to the splice, the file range (by sendfile), and the rest. For every other message `splices` stays
/// empty and costs nothing.
public struct KafkaWriter: Sendable {
    public var buffer: ByteBuffer
    public private(set) var splices: [Splice] = []

    /// A file range to send after the first `bufferIndex` bytes of `buffer` (counted from its reader index).
    public struct Splice: Sendable {
        public var bufferIndex: Int
        public var slice: FileSlice
    }

    public init(buffer: ByteBuffer) { self.buffer = buffer }

    public init(capacity: Int = 256) { buffer = ByteBufferAllocator().buffer(capacity: capacity) }

    /// Total bytes the message will take on the wire: the buffer plus every spliced file range.
    public var totalBytes: Int { buffer.readableBytes + splices.reduce(0) { $0 + $1.slice.region.readableBytes } }

    // MARK: Fixed-size values

    @inlinable public mutating func writeInt8(_ value: Int8) { buffer.writeInteger(value) }
    @inlinable public mutating func writeInt16(_ value: Int16) { buffer.writeInteger(value) }
    @inlinable public mutating func writeInt32(_ value: Int32) { buffer.writeInteger(value) }
    @inlinable public mutating func writeInt64(_ value: Int64) { buffer.writeInteger(value) }
    @inlinable public mutating func writeUInt16(_ value: UInt16) { buffer.writeInteger(value) }
    @inlinable public mutating func writeUInt32(_ value: UInt32) { buffer.writeInteger(value) }
    @inlinable public mutating func writeBool(_ value: Bool) { buffer.writeInteger(UInt8(value ? 1 : 0)) }
    @inlinable public mutating func writeFloat64(_ value: Double) { buffer.writeInteger(value.bitPattern) }
    @inlinable public mutating func writeUUID(_ value: KafkaUUID) {
        buffer.writeInteger(value.high)
        buffer.writeInteger(value.low)
    }
    @inlinable public mutating func writeUnsignedVarint(_ value: Int) {
        buffer.writeUnsignedVarint(UInt64(UInt32(truncatingIfNeeded: value)))
    }

    // MARK: Lengths

    /// A length or count: int16/int32 (`classicWidth`) in classic versions, varint N+1 in flexible ones.
    @inlinable mutating func writeLength(_ length: Int?, compact: Bool, classicWidth: Int) {
        if compact {
            writeUnsignedVarint(length.map { $0 + 1 } ?? 0)
        } else if classicWidth == 2 {
            buffer.writeInteger(Int16(truncatingIfNeeded: length ?? -1))
        } else {
            buffer.writeInteger(Int32(truncatingIfNeeded: length ?? -1))
        }
    }

    // MARK: Strings and bytes

    public mutating func writeString(_ value: String, compact: Bool) {
        writeLength(value.utf8.count, compact: compact, classicWidth: 2)
        buffer.writeString(value)
    }

    public mutating func writeNullableString(_ value: String?, compact: Bool) {
        guard let value else { return writeLength(nil, compact: compact, classicWidth: 2) }
        writeString(value, compact: compact)
    }

    public mutating func writeBytes(_ value: ByteBuffer, compact: Bool) {
        writeLength(value.readableBytes, compact: compact, classicWidth: 4)
        buffer.writeImmutableBuffer(value)
    }

    public mutating func writeNullableBytes(_ value: ByteBuffer?, compact: Bool) {
        guard let value else { return writeLength(nil, compact: compact, classicWidth: 4) }
        writeBytes(value, compact: compact)
    }

    public mutating func writeRecords(_ value: RecordsPayload?, compact: Bool) {
        switch value {
        case nil: writeLength(nil, compact: compact, classicWidth: 4)
        case .bytes(let bytes)?: writeBytes(bytes, compact: compact)
        case .file(let slice)?:
            writeLength(slice.region.readableBytes, compact: compact, classicWidth: 4)
            splices.append(Splice(bufferIndex: buffer.readableBytes, slice: slice))
        }
    }

    // MARK: Arrays

    public mutating func writeArrayCount(_ count: Int?, compact: Bool) {
        writeLength(count, compact: compact, classicWidth: 4)
    }

    public mutating func writeArray<Element: KafkaStruct>(_ values: [Element]?, version: Int16, compact: Bool) throws {
        guard let values else { return writeArrayCount(nil, compact: compact) }
        writeArrayCount(values.count, compact: compact)
        for value in values { try value.encode(to: &self, version: version) }
    }

    public mutating func writeArray<Element: KafkaWireValue>(_ values: [Element]?, compact: Bool) {
        guard let values else { return writeArrayCount(nil, compact: compact) }
        writeArrayCount(values.count, compact: compact)
        for value in values { value.write(to: &self, compact: compact) }
    }

    // MARK: Nested structs

    /// A struct field that may be null: an int8 marker (-1 null, 1 present) before its fields.
    public mutating func writeNullableStruct<Value: KafkaStruct>(_ value: Value?, version: Int16) throws {
        guard let value else { return writeInt8(-1) }
        writeInt8(1)
        try value.encode(to: &self, version: version)
    }
}
