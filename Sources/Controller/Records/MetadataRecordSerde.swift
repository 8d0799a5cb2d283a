import KafkaProtocol
import NIOCore

/// Metadata records as they sit in a `__cluster_metadata` record's value (Kafka's
/// `MetadataRecordSerde`): unsigned varint frame version (1), record type, record version, then the body.
public enum MetadataRecordSerde {
    public static let frameVersion = 1

    /// The highest version of each record type this code writes: the schema's newest.
    public static func encode(_ record: any KafkaMetadataRecord) throws -> ByteBuffer {
        try encode(record, version: type(of: record).validVersions.upperBound)
    }

    public static func encode(_ record: any KafkaMetadataRecord, version: Int16) throws -> ByteBuffer {
        var writer = KafkaWriter(capacity: 64)
        writer.writeUnsignedVarint(frameVersion)
        writer.writeUnsignedVarint(Int(type(of: record).recordType))
        writer.writeUnsignedVarint(Int(version))
        try record.encode(to: &writer, version: version)
        return writer.buffer
    }

    /// Reads one record value; unknown record types and frame versions are errors, since skipping a
    /// metadata record would make this broker's view of the cluster silently wrong.
    public static func decode(_ value: ByteBuffer) throws -> any KafkaMetadataRecord {
        var bytes = value
        let frame = try bytes.readKafkaUnsignedVarint()
        guard frame == frameVersion else { throw MetadataRecordError.unsupportedFrameVersion(frame) }
        let recordType = Int16(truncatingIfNeeded: try bytes.readKafkaUnsignedVarint())
        let version = Int16(truncatingIfNeeded: try bytes.readKafkaUnsignedVarint())
        guard let type = MetadataRecordTypes.all[recordType] else { throw MetadataRecordError.unknownRecordType(recordType) }
        return try type.init(from: &bytes, version: version)
    }
}

/// Why a metadata record could not be read.
public enum MetadataRecordError: Error, Sendable, Hashable, CustomStringConvertible {
    case unsupportedFrameVersion(Int)
    case unknownRecordType(Int16)

    public var description: String {
        switch self {
        case .unsupportedFrameVersion(let version): "unsupported metadata record frame version \(version)"
        case .unknownRecordType(let type): "unknown metadata record type \(type)"
        }
    }
}
