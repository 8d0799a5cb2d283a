/// Where a config value comes from (DescribeConfigs `ConfigSource`).
public enum ConfigSource: Int8, Sendable, Hashable {
    case unknown = 0
    case dynamicTopicConfig = 1
    case dynamicBrokerConfig = 2
    case dynamicDefaultBrokerConfig = 3
    case staticBrokerConfig = 4
    case defaultConfig = 5
}

/// A config's effective value with its source and, most specific first, the other places that define it.
public struct ResolvedConfig: Sendable, Hashable {
    public struct Synonym: Sendable, Hashable {
        public var name: String
        public var value: String?
        public var source: ConfigSource
    }

    public var name: String
    public var value: String?
    public var source: ConfigSource
    public var synonyms: [Synonym]
    public var isReadOnly: Bool
    public var type: ConfigDefinition.ValueType
    public var documentation: String
}

/// Resolves effective configs the way Kafka does: a topic's dynamic value, else the broker configs that
/// stand for it (this broker's dynamic value, the cluster-wide dynamic default, the static
/// `server.properties` value), else Kafka's default.
public struct ConfigResolver: Sendable {
    public var nodeId: Int32
    /// Broker configs given at start (`--config` file and `--set`).
    public var staticBrokerConfigs: [String: String]
    public var image: MetadataImage

    public init(nodeId: Int32, staticBrokerConfigs: [String: String], image: MetadataImage) {
        self.nodeId = nodeId
        self.staticBrokerConfigs = staticBrokerConfigs
        self.image = image
    }

    /// Every broker config with its sources, most specific first.
    public func brokerConfig(_ name: String) -> [ResolvedConfig.Synonym] {
        var found: [ResolvedConfig.Synonym] = []
        if let value = image.configs[.broker(nodeId)]?[name] { found.append(.init(name: name, value: value, source: .dynamicBrokerConfig)) }
        if let value = image.configs[.clusterDefaultBroker]?[name] {
            found.append(.init(name: name, value: value, source: .dynamicDefaultBrokerConfig))
        }
        if let value = staticBrokerConfigs[name] { found.append(.init(name: name, value: value, source: .staticBrokerConfig)) }
        if let definition = BrokerConfigCatalog.named(name), let value = definition.defaultValue {
            found.append(.init(name: name, value: value, source: .defaultConfig))
        }
        return found
    }

    /// The effective value of a broker config, or nil when neither set nor defaulted.
    public func brokerValue(_ name: String) -> String? { brokerConfig(name).first?.value }

    public func resolvedBrokerConfigs() -> [ResolvedConfig] {
        BrokerConfigCatalog.all.map { definition in
            let synonyms = brokerConfig(definition.name)
            return ResolvedConfig(
                name: definition.name, value: synonyms.first?.value, source: synonyms.first?.source ?? .defaultConfig,
                synonyms: synonyms, isReadOnly: definition.isReadOnly, type: definition.type,
                documentation: definition.documentation)
        }
    }

    /// One topic config resolved through its broker synonyms.
    public func topicConfig(_ definition: ConfigDefinition, topic: String) -> ResolvedConfig {
        var synonyms: [ResolvedConfig.Synonym] = []
        if let value = image.topicConfigs(topic)[definition.name] {
            synonyms.append(.init(name: definition.name, value: value, source: .dynamicTopicConfig))
        }
        for brokerKey in definition.brokerSynonyms {
            for found in brokerConfig(brokerKey) where found.source != .defaultConfig || brokerKey == definition.brokerSynonyms.last {
                synonyms.append(found)
            }
        }
        // Synonyms keep their own raw values (168 for log.retention.hours), as Kafka's ConfigHelper
        // reports them; only the effective value is converted to the topic config's unit.
        let effective = synonyms.first
        return ResolvedConfig(
            name: definition.name, value: effective.map { Self.convert($0.value, from: $0.name) } ?? definition.defaultValue,
            source: effective?.source ?? .defaultConfig, synonyms: synonyms, isReadOnly: false, type: definition.type,
            documentation: definition.documentation)
    }

    public func resolvedTopicConfigs(_ topic: String) -> [ResolvedConfig] {
        TopicConfigCatalog.all.map { topicConfig($0, topic: topic) }
    }

    /// The effective value of every topic config, by name.
    public func topicValues(_ topic: String) -> [String: String] {
        var values: [String: String] = [:]
        for config in resolvedTopicConfigs(topic) { values[config.name] = config.value }
        return values
    }

    /// Broker keys in minutes or hours stand for millisecond topic configs.
    static func convert(_ value: String?, from brokerKey: String) -> String? {
        guard let value, let number = Int64(value) else { return value }
        if brokerKey.hasSuffix(".minutes") { return String(number * 60_000) }
        if brokerKey.hasSuffix(".hours") { return String(number * 3_600_000) }
        return value
    }
}
