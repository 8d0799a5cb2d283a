/// The follower fetch, ISR and broker session configs, typed, from the static properties (read-only, as in Kafka).
extension BrokerConfig {
    /// `replica.lag.time.max.ms`: how long a follower may stay behind before it leaves the ISR.
    var replicaLagTimeMaxMs: Int64 { number("replica.lag.time.max.ms") }
    /// `replica.fetch.wait.max.ms`: a follower fetch's max wait at the leader.
    var replicaFetchWaitMaxMs: Int32 { Int32(clamping: number("replica.fetch.wait.max.ms")) }
    /// `replica.fetch.max.bytes`: the per-partition bytes of a follower fetch.
    var replicaFetchMaxBytes: Int32 { Int32(clamping: number("replica.fetch.max.bytes")) }
    /// `replica.fetch.response.max.bytes`: the bytes of a whole follower fetch.
    var replicaFetchResponseMaxBytes: Int32 { Int32(clamping: number("replica.fetch.response.max.bytes")) }
    /// `replica.fetch.backoff.ms`: the pause after a failed follower fetch.
    var replicaFetchBackoffMs: Int64 { number("replica.fetch.backoff.ms") }
    /// `broker.session.timeout.ms`: the controller fences a broker silent for this long.
    var brokerSessionTimeoutMs: Int64 { number("broker.session.timeout.ms") }
    /// `broker.heartbeat.interval.ms`: how often a broker heartbeats to the controller.
    var brokerHeartbeatIntervalMs: Int64 { number("broker.heartbeat.interval.ms") }
    /// `broker.liveness.probe.enable` (Gregor only): probe silent brokers and lost quorum leaders.
    var livenessProbeEnabled: Bool { properties["broker.liveness.probe.enable"].map { $0.lowercased() == "true" } ?? true }
}
