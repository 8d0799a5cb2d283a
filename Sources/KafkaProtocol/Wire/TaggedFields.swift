import NIOCore

/// A tagged field this code does not know: kept as raw bytes so a message re-encodes unchanged (KIP-482).
public struct RawTaggedField: Sendable, Hashable {
    public var tag: Int
    public var data: ByteBuffer

    public init(tag: Int, data: ByteBuffer) {
        self.tag = tag
        self.data = data
    }
}

extension ByteBuffer {
    /// Reads a tagged-field section: a count, then (tag, size, bytes) for each field. The caller decodes
    /// the tags it knows from `data` and keeps the others.
    public mutating func readKafkaTaggedFields() throws -> [RawTaggedField] {
        let count = try readKafkaUnsignedVarint()
        if count == 0 { return [] }
        guard count <= readableBytes else { throw KafkaCodingError.invalidLength(what: "tagged fields", length: count) }
        var fields = [RawTaggedField]()
        fields.reserveCapacity(count)
        var previousTag = -1
        for _ in 0..<count {
            let tag = try readKafkaUnsignedVarint()
            // Kafka rejects tags out of ascending order or repeated.
            guard tag > previousTag else { throw KafkaCodingError.invalidLength(what: "tag order", length: tag) }
            previousTag = tag
            let size = try readKafkaUnsignedVarint()
            guard let data = readSlice(length: size) else { throw KafkaCodingError.truncated(what: "tagged field \(tag)") }
            fields.append(RawTaggedField(tag: tag, data: data))
        }
        return fields
    }
}

/// Collects the tagged fields of one struct while it is encoded, then writes the section with known and
/// unknown fields merged in ascending tag order. Allocates nothing when no field is set.
public struct TaggedFieldsEncoder {
    private var fields: [RawTaggedField]

    public init(unknown: [RawTaggedField]) { fields = unknown }

    /// Adds a known field, encoding its value into its own buffer to learn its size.
    public mutating func add(tag: Int, _ encode: (inout KafkaWriter) throws -> Void) rethrows {
        var scratch = KafkaWriter(capacity: 16)
        try encode(&scratch)
        fields.append(RawTaggedField(tag: tag, data: scratch.buffer))
    }

    /// Writes the count and every field, tags ascending.
    public func write(to writer: inout KafkaWriter) {
        writer.writeUnsignedVarint(fields.count)
        let ordered = fields.count > 1 ? fields.sorted { $0.tag < $1.tag } : fields
        for field in ordered {
            writer.writeUnsignedVarint(field.tag)
            writer.writeUnsignedVarint(field.data.readableBytes)
            writer.buffer.writeImmutableBuffer(field.data)
        }
    }
}
