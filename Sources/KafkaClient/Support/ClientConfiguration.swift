import Logging
import NIOCore
import NIOPosix

/// Settings every client (admin, producer, consumer) shares: where the cluster is, who we are, and how
/// long to wait. Names follow Kafka's client configs (`client.id`, `request.timeout.ms`, ...).
public struct ClientConfiguration: Sendable {
    /// `bootstrap.servers`: where to ask for the cluster's metadata first.
    public var bootstrapServers: [BrokerAddress]
    /// `client.id`: sent in every request header; brokers log it and use it for quotas.
    public var clientId: String = "gregor"
    /// Sent in ApiVersions v3+ (`client.software.name` / `client.software.version`, KIP-511).
    public var softwareName: String = "gregor"
    public var softwareVersion: String = "0.1.0"
    /// `request.timeout.ms` (Kafka's default 30 s). A request with no answer in this time fails and its
    /// connection is closed.
    public var requestTimeout: Duration = .seconds(30)
    /// `socket.connection.setup.timeout.ms` (Kafka's default 10 s).
    public var connectTimeout: Duration = .seconds(10)
    /// `retry.backoff.ms` (100 ms): pause before retrying after a retriable error.
    public var retryBackoff: Duration = .milliseconds(100)
    /// `metadata.max.age.ms` (5 min): metadata older than this is refreshed before use.
    public var metadataMaxAge: Duration = .seconds(300)
    /// Largest response frame accepted (bytes); Kafka's `socket.request.max.bytes` default.
    public var maximumResponseSize: Int = 104_857_600
    public var logger: Logger = Logger(label: "gregor.client")
    /// Event loops for the sockets; NIO's shared singleton group by default.
    public var eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton

    public init(bootstrapServers: [BrokerAddress]) {
        self.bootstrapServers = bootstrapServers
    }

    /// Parses `host:port` entries (each may be a comma-separated list).
    public init(bootstrap: [String]) throws(KafkaClientError) {
        self.init(bootstrapServers: try BrokerAddress.parseList(bootstrap))
    }
}

extension Duration {
    /// As NIO's `TimeAmount` (nanoseconds, saturating).
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanos.overflow else { return .nanoseconds(Int64.max) }
        return .nanoseconds(nanos.partialValue &+ attoseconds / 1_000_000_000)
    }

    /// Whole milliseconds, clamped to Int32 (Kafka's `*Ms` request fields).
    var milliseconds32: Int32 {
        let (seconds, attoseconds) = components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: ms)
    }
}
