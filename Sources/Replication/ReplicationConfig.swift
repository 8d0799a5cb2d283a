/// The topic and broker settings the replica state machine uses, with Kafka's names and defaults.
public struct ReplicationConfig: Sendable, Hashable {
    /// `min.insync.replicas`: acks=all needs at least this many in-sync replicas (default 1).
    public var minInsyncReplicas: Int
    /// `replica.lag.time.max.ms`: a follower not caught up for this long leaves the ISR (default 30 s).
    public var replicaLagTimeMaxMs: Int64

    public init(minInsyncReplicas: Int = 1, replicaLagTimeMaxMs: Int64 = 30_000) {
        self.minInsyncReplicas = minInsyncReplicas
        self.replicaLagTimeMaxMs = replicaLagTimeMaxMs
    }

    public static let `default` = ReplicationConfig()
}
