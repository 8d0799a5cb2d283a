import KafkaProtocol
import KafkaRecords
import Logging
import NIOCore
import Synchronization

/// The client's view of one Kafka cluster: bootstrap, cached metadata, and one reused connection per
/// broker. Admin, producer and consumer are built on it and may share one.
///
/// Thread-safe: state sits behind a `Mutex` and is never held across an `await`. Connections open lazily
/// on first use and are replaced when they close.
public final class ClusterClient: Sendable {
    public let configuration: ClientConfiguration
    var logger: Logger { configuration.logger }
    let state = Mutex(State())

    struct State {
        var metadata = ClusterMetadata()
        /// Connections being opened or open, by node id (bootstrap entries use -1, -2, ...).
        var connecting: [Int32: Task<BrokerConnection, any Error>] = [:]
        var ready: [Int32: BrokerConnection] = [:]
        var closed = false
        /// Background refresh (see `requestMetadataRefresh`): running, and topics asked for meanwhile.
        var backgroundRefreshRunning = false
        var backgroundRefreshTopics: Set<String> = []
        var listeners: [@Sendable (ClusterMetadata) -> Void] = []
    }

    public init(configuration: ClientConfiguration) {
        self.configuration = configuration
    }

    /// A client for `host:port` bootstrap entries with default settings.
    public convenience init(bootstrap: [String]) throws {
        self.init(configuration: try ClientConfiguration(bootstrap: bootstrap))
    }

    /// The latest metadata snapshot (possibly empty before the first refresh).
    public var metadata: ClusterMetadata { state.withLock { $0.metadata } }

    /// Asks a broker for metadata and merges it into the cache.
    ///
    /// - Parameters:
    ///   - topics: the topics to describe; nil for every topic, `[]` for brokers and controller only.
    ///   - allowAutoCreate: let the broker create missing topics (if `auto.create.topics.enable`).
    @discardableResult
    public func refreshMetadata(topics: [String]? = nil, allowAutoCreate: Bool = false) async throws -> ClusterMetadata {
        let request = MetadataExchange.request(topics: topics, allowAutoCreate: allowAutoCreate)
        let response = try await sendToAnyBroker(request)
        let snapshot = MetadataExchange.snapshot(response)
        let (merged, listeners) = state.withLock { state in
            state.metadata = state.metadata.merging(snapshot, allTopics: topics == nil)
            return (state.metadata, state.listeners)
        }
        for listener in listeners { listener(merged) }
        return merged
    }

    /// Metadata that covers `topics`: the cache when it knows them all (with partitions) and is younger
    /// than `metadata.max.age.ms`, else a fresh answer for those topics.
    public func metadata(for topics: [String], allowAutoCreate: Bool = false) async throws -> ClusterMetadata {
        let cached = metadata
        let fresh = NIODeadline.now() - cached.fetchedAt < configuration.metadataMaxAge.timeAmount
        if fresh, topics.allSatisfy({ cached.partitionCount($0) != nil }) { return cached }
        return try await refreshMetadata(topics: topics, allowAutoCreate: allowAutoCreate)
    }

    /// Starts a refresh of `topics` in the background, joining one already running. Used after errors
    /// such as NOT_LEADER_OR_FOLLOWER; listeners hear about the result.
    public func requestMetadataRefresh(topics: some Sequence<String>) {
        let start = state.withLock { state -> Bool in
            state.backgroundRefreshTopics.formUnion(topics)
            guard !state.backgroundRefreshRunning, !state.closed else { return false }
            state.backgroundRefreshRunning = true
            return true
        }
        guard start else { return }
        Task { await self.runBackgroundRefreshes() }
    }

    private func runBackgroundRefreshes() async {
        while true {
            let topics = state.withLock { state -> [String]? in
                guard !state.backgroundRefreshTopics.isEmpty, !state.closed else {
                    state.backgroundRefreshRunning = false
                    return nil
                }
                defer { state.backgroundRefreshTopics = [] }
                return Array(state.backgroundRefreshTopics)
            }
            guard let topics else { return }
            do {
                try await refreshMetadata(topics: topics)
            } catch {
                logger.debug("background metadata refresh failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: configuration.retryBackoff)
            }
        }
    }

    /// Calls `listener` after every metadata refresh (on the refreshing task; keep it short).
    public func addMetadataListener(_ listener: @escaping @Sendable (ClusterMetadata) -> Void) {
        state.withLock { $0.listeners.append(listener) }
    }

    /// Closes every connection; later calls fail with `.closed`.
    public func close() async {
        let (ready, connecting) = state.withLock { state in
            state.closed = true
            state.listeners = []
            defer {
                state.ready = [:]
                state.connecting = [:]
            }
            return (Array(state.ready.values), Array(state.connecting.values))
        }
        for task in connecting { task.cancel() }
        for connection in ready { await connection.close() }
        for task in connecting { if let connection = try? await task.value { await connection.close() } }
    }
}
