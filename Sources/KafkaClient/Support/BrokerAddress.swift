/// A broker's `host:port`, as users write bootstrap lists and brokers advertise their listeners.
///
/// Parses `host:port`, `[v6]:port` and a bare host (port 9092, Kafka's default).
public struct BrokerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public static let defaultPort = 9092

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses one address; throws `.invalidArgument` with the offending text.
    public init(parsing text: String) throws(KafkaClientError) {
        let trimmed = text.trimmingWhitespace()
        func invalid() -> KafkaClientError {
            KafkaClientError(.invalidArgument, "invalid broker address '\(text)': expected host:port")
        }
        guard !trimmed.isEmpty else { throw invalid() }
        var host: Substring
        var portText: Substring?
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { throw invalid() }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            let rest = trimmed[trimmed.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw invalid() }
                portText = rest.dropFirst()
            }
        } else if let colon = trimmed.lastIndex(of: ":"), trimmed.firstIndex(of: ":") == colon {
            host = trimmed[..<colon]
            portText = trimmed[trimmed.index(after: colon)...]
        } else {
            host = trimmed[...]
        }
        guard !host.isEmpty else { throw invalid() }
        var port = Self.defaultPort
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { throw invalid() }
            port = value
        }
        self.init(host: String(host), port: port)
    }

    /// Parses a comma-separated list (`a:9092,b:9092`) or several entries.
    public static func parseList(_ entries: [String]) throws(KafkaClientError) -> [BrokerAddress] {
        var result: [BrokerAddress] = []
        for entry in entries {
            for part in entry.split(separator: ",") where !part.allSatisfy(\.isWhitespace) {
                result.append(try BrokerAddress(parsing: String(part)))
            }
        }
        guard !result.isEmpty else {
            throw KafkaClientError(.invalidArgument, "no bootstrap servers given: pass at least one host:port")
        }
        return result
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension String {
    func trimmingWhitespace() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}
