import NIOCore

/// Anything generated from a schema that has fields: messages and their nested structs.
public protocol KafkaStruct: Sendable, Hashable {
    /// Every field at its default.
    init()
    /// Reads the fields present at `version`.
    init(from buffer: inout ByteBuffer, version: Int16) throws
    /// Writes the fields present at `version`.
    func encode(to writer: inout KafkaWriter, version: Int16) throws
}

/// A top-level schema: a request, a response, a header, a data payload or a metadata/coordinator record.
public protocol KafkaMessage: KafkaStruct {
    /// The schema's name, e.g. `ProduceRequest`.
    static var messageName: String { get }
    /// `validVersions` of the schema.
    static var validVersions: ClosedRange<Int16> { get }
    /// The first flexible version (compact encodings and tagged fields), or nil for none.
    static var firstFlexibleVersion: Int16? { get }
}

extension KafkaMessage {
    /// Whether `version` uses the flexible encoding (KIP-482).
    @inlinable
    public static func isFlexible(_ version: Int16) -> Bool {
        guard let first = firstFlexibleVersion else { return false }
        return version >= first
    }

    /// Throws unless the schema defines `version`.
    @inlinable
    public static func checkVersion(_ version: Int16) throws {
        guard validVersions.contains(version) else {
            throw KafkaCodingError.unsupportedVersion(message: messageName, version: version)
        }
    }

    /// Decodes a whole buffer as this message at `version`.
    public static func decode(_ bytes: ByteBuffer, version: Int16) throws -> Self {
        var bytes = bytes
        return try Self(from: &bytes, version: version)
    }

    /// Encodes into a fresh buffer (for messages that carry no file ranges).
    public func encoded(version: Int16) throws -> ByteBuffer {
        var writer = KafkaWriter()
        try encode(to: &writer, version: version)
        return writer.buffer
    }
}

/// A request of one API; its response type and API key come from the schema pair.
public protocol KafkaRequest: KafkaMessage {
    associatedtype Response: KafkaResponse
    static var apiKey: ApiKey { get }
}

/// A response of one API.
public protocol KafkaResponse: KafkaMessage {
    static var apiKey: ApiKey { get }
}

/// A record of the KRaft metadata log (`__cluster_metadata`); `recordType` is the schema's apiKey.
public protocol KafkaMetadataRecord: KafkaMessage {
    static var recordType: Int16 { get }
}
