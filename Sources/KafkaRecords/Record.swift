import NIOCore

/// One header of a record: a UTF-8 key (never null) and a value that may be null.
public typealias RecordHeader = (key: String, value: ByteBuffer?)

/// One record of a batch, with its offset and timestamp resolved against the batch header.
///
/// Keys, values and header values are slices of the batch's bytes (of the decompressed bytes for a
/// compressed batch): reading a record copies no payload.
public struct Record: Sendable, CustomStringConvertible {
    /// The batch's base offset plus the record's offset delta.
    public var offset: Int64
    /// The batch's base timestamp plus the record's delta, or the batch's max timestamp when the batch
    /// uses LogAppendTime (the broker's clock), as Kafka reports it.
    public var timestamp: Int64
    /// Null keys and empty keys differ: a null key lets the producer pick any partition.
    public var key: ByteBuffer?
    /// A null value is a tombstone under log compaction.
    public var value: ByteBuffer?
    public var headers: [RecordHeader]
    /// The record's attribute byte; unused by Kafka so far, kept as read.
    public var attributes: Int8

    public init(
        offset: Int64, timestamp: Int64, key: ByteBuffer?, value: ByteBuffer?,
        headers: [RecordHeader] = [], attributes: Int8 = 0
    ) {
        self.offset = offset
        self.timestamp = timestamp
        self.key = key
        self.value = value
        self.headers = headers
        self.attributes = attributes
    }

    public var description: String {
        func show(_ bytes: ByteBuffer?) -> String {
            guard let bytes else { return "null" }
            return bytes.readableBytes <= 64 ? String(decoding: bytes.readableBytesView, as: UTF8.self).debugDescription
                : "<\(bytes.readableBytes) bytes>"
        }
        let headerText = headers.map { "\($0.key)=\(show($0.value))" }.joined(separator: ", ")
        return "Record(offset: \(offset), timestamp: \(timestamp), key: \(show(key)), value: \(show(value))"
            + (headers.isEmpty ? ")" : ", headers: [\(headerText)])")
    }
}

extension Record: Equatable {
    public static func == (lhs: Record, rhs: Record) -> Bool {
        lhs.offset == rhs.offset && lhs.timestamp == rhs.timestamp && lhs.key == rhs.key
            && lhs.value == rhs.value && lhs.attributes == rhs.attributes
            && lhs.headers.count == rhs.headers.count
            && zip(lhs.headers, rhs.headers).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
