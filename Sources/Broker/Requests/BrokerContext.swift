import Logging

/// What handlers share: the broker's configuration, its metadata, its controller side and its
/// partitions, plus the clock. Built once by `GregorBroker` and handed to every handler.
struct BrokerContext: Sendable {
    let config: BrokerConfig
    let metadata: MetadataCache
    let controller: MetadataService
    let replicas: ReplicaManager
    let groups: GroupCoordinatorService
    /// Sends partition leaders' ISR changes to the controller.
    let alterPartitions: IsrChangeSender
    /// Request, traffic and state metrics for the admin endpoint's `/metrics`.
    let metrics: BrokerMetrics
    /// Wall-clock milliseconds since the epoch (record timestamps, retention).
    let clock: @Sendable () -> Int64
    let logger: Logger
}
