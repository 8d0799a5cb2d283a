/// What a config belongs to (DescribeConfigs / IncrementalAlterConfigs resource types).
public struct ConfigResource: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Int8, Sendable, Hashable {
        case topic = 2
        case broker = 4
        case brokerLogger = 8
    }

    public var kind: Kind
    /// The topic name, or the broker id as text ("" for the cluster-wide broker default).
    public var name: String

    public init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    public static func topic(_ name: String) -> ConfigResource { ConfigResource(.topic, name) }
    public static func broker(_ id: Int32) -> ConfigResource { ConfigResource(.broker, String(id)) }

    public var description: String { "\(kind)-\(name)" }
}

/// Where a config value comes from, Kafka's `ConfigSource`.
public enum ConfigSource: Int8, Sendable, Hashable {
    case unknown = 0
    case dynamicTopicConfig = 1
    case dynamicBrokerConfig = 2
    case dynamicDefaultBrokerConfig = 3
    case staticBrokerConfig = 4
    case defaultConfig = 5
    case dynamicBrokerLoggerConfig = 6
    case clientMetricsConfig = 7
}

/// One config of a resource, with its source and the values it overrides (synonyms).
public struct ConfigEntry: Sendable, Hashable {
    public struct Synonym: Sendable, Hashable {
        public var name: String
        public var value: String?
        public var source: ConfigSource
    }

    public var name: String
    /// nil for sensitive configs, or unset ones.
    public var value: String?
    public var source: ConfigSource
    public var isReadOnly: Bool
    public var isSensitive: Bool
    public var isDefault: Bool { source == .defaultConfig }
    public var synonyms: [Synonym]
}

/// A resource's configs, or why they could not be read.
public struct ConfigResourceResult: Sendable, Hashable {
    public var resource: ConfigResource
    public var entries: [ConfigEntry]
    public var error: KafkaClientError?
}

/// One change for IncrementalAlterConfigs.
public struct AlterConfigOp: Sendable, Hashable {
    public enum Operation: Int8, Sendable, Hashable {
        case set = 0
        case delete = 1
        /// Adds to a list-valued config.
        case append = 2
        /// Removes from a list-valued config.
        case subtract = 3
    }

    public var name: String
    public var operation: Operation
    public var value: String?

    public init(name: String, operation: Operation, value: String? = nil) {
        self.name = name
        self.operation = operation
        self.value = value
    }

    public static func set(_ name: String, _ value: String) -> AlterConfigOp { .init(name: name, operation: .set, value: value) }
    public static func delete(_ name: String) -> AlterConfigOp { .init(name: name, operation: .delete) }
}
