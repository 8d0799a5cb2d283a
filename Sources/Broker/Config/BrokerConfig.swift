import Controller

/// How one broker process is set up: identity, addresses, data directory, and the Kafka-style
/// properties (`server.properties` keys) given at start. Topic defaults and dynamic changes are
/// resolved from these by `ConfigResolver`.
public struct BrokerConfig: Sendable {
    public var nodeId: Int32
    /// Where to listen (`listeners`).
    public var listenHost: String
    public var listenPort: Int
    /// What clients are told (`advertised.listeners`); defaults to the listen address.
    public var advertisedHost: String
    public var advertisedPort: Int
    /// The data directory (`log.dirs`, a single directory in Gregor).
    public var dataDirectory: String
    /// Static broker configs, Kafka keys to values, as read from `--config` and `--set`.
    public var properties: [String: String]
    /// The admin endpoint's address (`--admin`: Prometheus `/metrics`), or nil for none. Gregor's own,
    /// not a Kafka config.
    public var adminHost: String?
    public var adminPort: Int?
    /// Whether the admin endpoint takes network and disk faults (`--faults`; `gregor cluster up` turns
    /// it on). Off, the broker has no fault seam at all. Gregor's own, not a Kafka config.
    public var faultsEnabled = false

    public init(
        nodeId: Int32, listenHost: String = "127.0.0.1", listenPort: Int = 9092, advertisedHost: String? = nil,
        advertisedPort: Int? = nil, dataDirectory: String, properties: [String: String] = [:]
    ) {
        self.nodeId = nodeId
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.advertisedHost = advertisedHost ?? (listenHost == "0.0.0.0" ? "127.0.0.1" : listenHost)
        self.advertisedPort = advertisedPort ?? listenPort
        self.dataDirectory = dataDirectory
        self.properties = properties
    }

    /// The static configs as DescribeConfigs reports them: the properties, plus what the command line
    /// set through its own flags (node id, listeners, data directory).
    public var staticConfigs: [String: String] {
        var configs = properties
        configs["node.id"] = String(nodeId)
        configs["listeners"] = "PLAINTEXT://\(listenHost):\(listenPort)"
        configs["advertised.listeners"] = "PLAINTEXT://\(advertisedHost):\(advertisedPort)"
        configs["log.dirs"] = dataDirectory
        return configs
    }

    /// `socket.request.max.bytes`: the largest request frame accepted (100 MiB by default).
    public var maximumRequestSize: Int { Int(properties["socket.request.max.bytes"] ?? "") ?? 104_857_600 }

    /// `log.retention.check.interval.ms`: how often retention runs (5 minutes by default).
    public var retentionCheckIntervalMs: Int64 { Int64(properties["log.retention.check.interval.ms"] ?? "") ?? 300_000 }

    /// `auto.create.topics.enable` (true by default, as in Kafka).
    public var autoCreateTopics: Bool { (properties["auto.create.topics.enable"] ?? "true").lowercased() == "true" }

    /// Rejects unknown keys and bad values with one clear line, before the broker starts.
    public func validate() throws(BrokerConfigError) {
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            guard let definition = BrokerConfigCatalog.named(key) else {
                throw .invalid("unknown broker config '\(key)' (see docs/configuration.md for the ones Gregor honours)")
            }
            if let problem = definition.validate(value) { throw .invalid("\(key): \(problem)") }
        }
        guard nodeId >= 0 else { throw .invalid("node.id must be 0 or more, not \(nodeId)") }
    }
}

/// A configuration the broker cannot start with.
public enum BrokerConfigError: Error, Sendable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let why): why
        }
    }
}

/// Kafka `.properties` files: `key=value` (or `key: value`) lines, `#` and `!` comments.
public enum PropertiesFile {
    public static func parse(_ text: String) throws(BrokerConfigError) -> [String: String] {
        var result: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw .invalid("line \(number + 1): expected key=value, got '\(line)'")
            }
            let key = line[..<separator].trimmingSpaces()
            let value = line[line.index(after: separator)...].trimmingSpaces()
            guard !key.isEmpty else { throw .invalid("line \(number + 1): empty key") }
            result[String(key)] = String(value)
        }
        return result
    }

    /// `key=value` as given to `--set`.
    public static func parseAssignment(_ text: String) throws(BrokerConfigError) -> (String, String) {
        guard let separator = text.firstIndex(of: "="), separator != text.startIndex else {
            throw .invalid("--set expects key=value, got '\(text)'")
        }
        return (String(text[..<separator]), String(text[text.index(after: separator)...]))
    }
}

extension StringProtocol {
    func trimmingSpaces() -> SubSequence {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
