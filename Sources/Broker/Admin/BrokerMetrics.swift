import KafkaProtocol
import Metrics
import Prometheus
import Synchronization

/// The broker's metrics, served in Prometheus's text format on the admin endpoint (`/metrics`).
/// Names follow Kafka's JMX metrics where Kafka has one (`kafka_server_brokertopicmetrics_bytesin`...).
///
/// Each broker has its own registry (swift-metrics types made by a swift-prometheus factory handed in,
/// not the process-wide `MetricsSystem`), so brokers in one test process do not mix. Hot paths touch
/// one metric per request, never per record: per-API timers and per-topic counters are looked up
/// under one lock per request. Gauges that describe state (under-replicated partitions,
/// the active controller, the produce purgatory) are read from the broker when scraped.
public final class BrokerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let requestTimers = Mutex<[ApiKey: Metrics.Timer]>([:])
    private let requestErrors: Metrics.Counter
    private let topics = Mutex<[String: TopicCounters]>([:])
    let isrShrinks: Metrics.Counter
    let isrExpands: Metrics.Counter
    let leaderElections: Metrics.Counter
    let uncleanLeaderElections: Metrics.Counter
    let groupRebalances: Metrics.Counter
    private let gauges: [String: Metrics.Gauge]
    /// Reads the state gauges from the broker at scrape time.
    private let stateReader = Mutex<(@Sendable () -> BrokerState)?>(nil)

    /// Per-topic traffic, Kafka's BrokerTopicMetrics.
    struct TopicCounters {
        var bytesIn: Metrics.Counter
        var bytesOut: Metrics.Counter
        var messagesIn: Metrics.Counter
    }

    /// What the state gauges show, read when scraped.
    public struct BrokerState: Sendable {
        public var partitions = 0
        public var leaders = 0
        public var underReplicatedPartitions = 0
        public var activeController = false
        /// Partitions without a leader; counted by the active controller only, as Kafka does.
        public var offlinePartitions = 0
        public var producePurgatorySize = 0

        public init() {}
    }

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(5), .seconds(30),
        ]
        self.factory = factory
        requestErrors = Metrics.Counter(label: "kafka_network_requests_closed_total", factory: factory)
        isrShrinks = Metrics.Counter(label: "kafka_server_replicamanager_isrshrinks_total", factory: factory)
        isrExpands = Metrics.Counter(label: "kafka_server_replicamanager_isrexpands_total", factory: factory)
        leaderElections = Metrics.Counter(label: "kafka_controller_controllerstats_leaderelections_total", factory: factory)
        uncleanLeaderElections = Metrics.Counter(label: "kafka_controller_controllerstats_uncleanleaderelections_total", factory: factory)
        groupRebalances = Metrics.Counter(label: "kafka_coordinator_group_rebalances_total", factory: factory)
        gauges = Dictionary(uniqueKeysWithValues: [
            "kafka_server_replicamanager_partitioncount", "kafka_server_replicamanager_leadercount",
            "kafka_server_replicamanager_underreplicatedpartitions", "kafka_controller_activecontrollercount",
            "kafka_controller_offlinepartitionscount",
            "kafka_server_delayedoperationpurgatory_produce_size",
        ].map { ($0, Metrics.Gauge(label: $0, factory: factory)) })
    }

    /// A request answered (or dropped) after `duration`; `closed` when the connection was closed instead.
    func requestCompleted(_ api: ApiKey, duration: Duration, closed: Bool) {
        let timer = requestTimers.withLock { timers in
            if let timer = timers[api] { return timer }
            let made = Metrics.Timer(label: "kafka_network_request_duration_seconds", dimensions: [("request", "\(api)")], factory: factory)
            timers[api] = made
            return made
        }
        timer.record(duration: duration)
        if closed { requestErrors.increment() }
    }

    /// Records appended to a topic (Produce, as a leader).
    func bytesIn(topic: String, bytes: Int, records: Int) {
        let counters = counters(for: topic)
        counters.bytesIn.increment(by: bytes)
        counters.messagesIn.increment(by: records)
    }

    /// Record bytes sent to consumers (Fetch from clients; followers' fetches are replication).
    func bytesOut(topic: String, bytes: Int) {
        counters(for: topic).bytesOut.increment(by: bytes)
    }

    private func counters(for topic: String) -> TopicCounters {
        topics.withLock { topics in
            if let existing = topics[topic] { return existing }
            let dimensions = [("topic", topic)]
            let made = TopicCounters(
                bytesIn: Metrics.Counter(label: "kafka_server_brokertopicmetrics_bytesin_total", dimensions: dimensions, factory: factory),
                bytesOut: Metrics.Counter(label: "kafka_server_brokertopicmetrics_bytesout_total", dimensions: dimensions, factory: factory),
                messagesIn: Metrics.Counter(label: "kafka_server_brokertopicmetrics_messagesin_total", dimensions: dimensions, factory: factory))
            topics[topic] = made
            return made
        }
    }

    /// Where the state gauges come from (set once the broker's parts exist).
    func readState(from reader: @escaping @Sendable () -> BrokerState) {
        stateReader.withLock { $0 = reader }
    }

    /// The metrics in Prometheus's text exposition format, state gauges read now.
    public func render() -> String {
        if let state = stateReader.withLock({ $0 })?() {
            gauges["kafka_server_replicamanager_partitioncount"]?.record(state.partitions)
            gauges["kafka_server_replicamanager_leadercount"]?.record(state.leaders)
            gauges["kafka_server_replicamanager_underreplicatedpartitions"]?.record(state.underReplicatedPartitions)
            gauges["kafka_controller_activecontrollercount"]?.record(state.activeController ? 1 : 0)
            gauges["kafka_controller_offlinepartitionscount"]?.record(state.offlinePartitions)
            gauges["kafka_server_delayedoperationpurgatory_produce_size"]?.record(state.producePurgatorySize)
        }
        return registry.emitToString()
    }
}
