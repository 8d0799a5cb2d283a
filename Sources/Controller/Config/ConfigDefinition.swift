/// One configuration key Gregor honours: its type, Kafka's default, how it is checked, and (for a topic
/// config) the broker key that supplies its default. Used to validate changes and to answer
/// DescribeConfigs with values, sources and documentation, as Kafka does.
public struct ConfigDefinition: Sendable {
    /// DescribeConfigs `ConfigType` values (KIP-569).
    public enum ValueType: Int8, Sendable {
        case boolean = 1, string = 2, int = 3, short = 4, long = 5, double = 6, list = 7
    }

    public let name: String
    public let type: ValueType
    /// Kafka's default, as text (nil when Kafka's default is null).
    public let defaultValue: String?
    /// For a topic config: the broker configs that set its default, most specific first.
    public let brokerSynonyms: [String]
    /// Whether it can be changed while the broker runs (topic configs always can).
    public let isReadOnly: Bool
    public let documentation: String
    private let check: @Sendable (String) -> String?

    public init(
        _ name: String, _ type: ValueType, default defaultValue: String?, synonyms: [String] = [], readOnly: Bool = false,
        doc: String, check: @escaping @Sendable (String) -> String? = { _ in nil }
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.brokerSynonyms = synonyms
        self.isReadOnly = readOnly
        self.documentation = doc
        self.check = check
    }

    /// nil if `value` is acceptable, else why not (one line, for INVALID_CONFIG's message).
    public func validate(_ value: String) -> String? {
        switch type {
        case .boolean:
            guard ["true", "false"].contains(value.lowercased()) else { return "\(name) must be true or false, not \(value)" }
        case .int, .short:
            guard Int32(value) != nil else { return "\(name) must be an int, not \(value)" }
        case .long:
            guard Int64(value) != nil else { return "\(name) must be a long, not \(value)" }
        case .double:
            guard Double(value) != nil else { return "\(name) must be a double, not \(value)" }
        case .string, .list:
            break
        }
        return check(value)
    }

    // MARK: Checks

    static func atLeast(_ minimum: Int64) -> @Sendable (String) -> String? {
        { value in
            guard let number = Int64(value), number >= minimum else { return "must be at least \(minimum), not \(value)" }
            return nil
        }
    }

    static func oneOf(_ allowed: [String], note: String = "") -> @Sendable (String) -> String? {
        { value in
            allowed.contains(value) ? nil : "must be one of \(allowed.joined(separator: ", ")), not \(value)\(note)"
        }
    }
}
