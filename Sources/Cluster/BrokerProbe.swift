import KafkaClient
import Logging

/// Asks one broker, over the Kafka protocol only, what it knows of the cluster: a Metadata request to
/// that broker's own port (not through a bootstrap list, which would answer from any broker).
public enum BrokerProbe {
    /// What a broker's Metadata answer says about the cluster.
    public struct Report: Sendable, Hashable {
        /// The controller the broker names, or nil when it names none (-1).
        public var controllerId: Int32?
        /// The registered brokers' node ids, ascending.
        public var brokerIds: [Int32]

        public init(controllerId: Int32?, brokerIds: [Int32]) {
            self.controllerId = controllerId
            self.brokerIds = brokerIds.sorted()
        }

        /// Ready as `cluster up` means it: every expected broker registered and a controller named.
        public func isReady(expecting nodeIds: [Int32]) -> Bool {
            controllerId != nil && Set(nodeIds).isSubset(of: Set(brokerIds))
        }

        /// `controller 1, brokers 1,2,3` for messages.
        public var summary: String {
            "controller \(controllerId.map(String.init) ?? "none"), brokers \(brokerIds.isEmpty ? "none" : brokerIds.map(String.init).joined(separator: ","))"
        }
    }

    /// Client settings for one quick question to `address`: short timeouts, no client logging.
    public static func configuration(address: String, timeout: Duration) throws -> ClientConfiguration {
        var configuration = try ClientConfiguration(bootstrap: [address])
        configuration.clientId = "gregor-cluster"
        configuration.requestTimeout = timeout
        configuration.connectTimeout = timeout
        var logger = Logger(label: "gregor.cluster.probe")
        logger.logLevel = .critical
        configuration.logger = logger
        return configuration
    }

    /// The broker's Metadata answer (brokers and controller only), or the error that stopped it.
    public static func metadata(address: String, timeout: Duration = .seconds(2)) async -> Result<Report, KafkaClientError> {
        let client: ClusterClient
        do {
            client = ClusterClient(configuration: try configuration(address: address, timeout: timeout))
        } catch {
            return .failure(KafkaClientError(.invalidArgument, "\(error)"))
        }
        let result: Result<Report, KafkaClientError>
        do {
            let metadata = try await client.refreshMetadata(topics: [])
            result = .success(Report(controllerId: metadata.controllerId, brokerIds: Array(metadata.brokers.keys)))
        } catch let error as KafkaClientError {
            result = .failure(error)
        } catch {
            result = .failure(KafkaClientError(.connectionFailed, "\(error)"))
        }
        await client.close()
        return result
    }

    /// The metadata quorum as the broker at `address` reports it through DescribeQuorum.
    public static func quorum(address: String, timeout: Duration = .seconds(2)) async -> QuorumReport {
        let admin: KafkaAdmin
        do {
            admin = KafkaAdmin(clientConfiguration: try configuration(address: address, timeout: timeout))
        } catch {
            return .unavailable("\(error)")
        }
        do {
            let quorum = try await admin.describeQuorum()
            await admin.close()
            return .reported(quorum)
        } catch let error as KafkaClientError {
            await admin.close()
            if error.code == .unsupportedVersion { return .notReported }
            return .unavailable(StartupWait.shortReason(error))
        } catch {
            await admin.close()
            return .unavailable("\(error)")
        }
    }
}

/// The metadata quorum as `cluster status` shows it: reported, not supported by the brokers, or no answer.
public enum QuorumReport: Sendable, Hashable {
    case reported(QuorumDescription)
    /// The broker does not advertise DescribeQuorum (or answered UNSUPPORTED_VERSION).
    case notReported
    /// No broker answered; the reason.
    case unavailable(String)
}
