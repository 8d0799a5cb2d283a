/// What the schemas say about one API: its versions, who serves it, and its request type.
/// The table (`KafkaAPI.all`) is generated; the broker advertises only what its handlers register.
public struct KafkaAPI: Sendable {
    public let key: ApiKey
    /// Kafka's name, e.g. `Produce`.
    public let name: String
    /// Versions Kafka 3.7+ marks for removal in 4.0 (KIP-896), if any.
    public let deprecatedVersions: ClosedRange<Int16>?
    /// Process types that serve it in Kafka: `zkBroker`, `broker`, `controller`.
    public let listeners: Set<String>
    public let request: any KafkaRequest.Type

    public init(
        key: ApiKey, name: String, deprecatedVersions: ClosedRange<Int16>?, listeners: Set<String>,
        request: any KafkaRequest.Type
    ) {
        self.key = key
        self.name = name
        self.deprecatedVersions = deprecatedVersions
        self.listeners = listeners
        self.request = request
    }

    public var validVersions: ClosedRange<Int16> { request.validVersions }
    public var firstFlexibleVersion: Int16? { request.firstFlexibleVersion }

    private static let byKey: [ApiKey: KafkaAPI] = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })

    /// The schema facts of `key`, or nil for a key no schema defines.
    public static func named(_ key: ApiKey) -> KafkaAPI? { byKey[key] }
}

/// Unwraps a value that the wire format cannot carry as null at `version`.
@inlinable
public func kafkaRequireNonNull<T>(_ value: T?, field: StaticString, version: Int16) throws -> T {
    guard let value else { throw KafkaCodingError.unexpectedNull(field: "\(field)", version: version) }
    return value
}
