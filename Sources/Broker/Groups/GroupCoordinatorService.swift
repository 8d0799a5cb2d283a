import Controller
import GroupCoordinator
import KafkaProtocol
import KafkaRecords
import Logging
import ServiceLifecycle
import Synchronization

/// The broker's group coordinator: one `CoordinatorShardRuntime` per `__consumer_offsets` partition
/// this broker leads, loaded by replaying the partition; routing of a group to its partition
/// (`hash(groupId) % offsets.topic.num.partitions`); creation of the topic on first use; and the timer
/// that fires rebalance and session deadlines and expires offsets.
final class GroupCoordinatorService: Sendable {
    static let offsetsTopic = "__consumer_offsets"

    let nodeId: Int32
    let partitionCount: Int32
    private let config: BrokerConfig
    private let shards = Mutex<[Int32: CoordinatorShardRuntime]>([:])
    private let replicas: ReplicaManager
    private let logger: Logger
    private let metrics: BrokerMetrics?

    init(config: BrokerConfig, replicas: ReplicaManager, logger: Logger, metrics: BrokerMetrics? = nil) {
        self.nodeId = config.nodeId
        self.partitionCount = max(config.offsetsTopicPartitions, 1)
        self.config = config
        self.replicas = replicas
        self.logger = logger
        self.metrics = metrics
    }

    func partition(for groupId: String) -> Int32 { GroupPartitioner.partition(for: groupId, partitions: partitionCount) }

    /// Which coordinator serves `groupId` here, or the error a client gets: COORDINATOR_NOT_AVAILABLE
    /// (no offsets topic or no leader yet), NOT_COORDINATOR (another broker leads the partition),
    /// COORDINATOR_LOAD_IN_PROGRESS (still replaying).
    func shard(for groupId: String, image: MetadataImage) -> Result<CoordinatorShardRuntime, ErrorCode> {
        let index = partition(for: groupId)
        guard let partition = image.partition(Self.offsetsTopic, index), partition.leader >= 0 else {
            return .failure(.coordinatorNotAvailable)
        }
        guard partition.leader == nodeId else { return .failure(.notCoordinator) }
        guard let runtime = shards.withLock({ $0[index] }) else { return .failure(.coordinatorLoadInProgress) }
        return runtime.isLoaded ? .success(runtime) : .failure(.coordinatorLoadInProgress)
    }

    /// Every loaded runtime (ListGroups answers for all groups this broker coordinates).
    var loadedShards: [CoordinatorShardRuntime] { shards.withLock { Array($0.values) }.filter(\.isLoaded) }

    /// The CreateTopics request for `__consumer_offsets`: Kafka's internal settings, except that Gregor
    /// cannot compact yet, so nothing is deleted by time (`retention.ms=-1`).
    func offsetsTopicRequest(liveBrokers: Int) -> CreateTopicsRequest {
        var topic = CreateTopicsRequest.CreatableTopic(
            name: Self.offsetsTopic, numPartitions: partitionCount,
            replicationFactor: min(config.offsetsTopicReplicationFactor, Int16(clamping: max(liveBrokers, 1))))
        topic.configs = [
            .init(name: "retention.ms", value: "-1"),
            .init(name: "segment.bytes", value: String(config.offsetsTopicSegmentBytes)),
        ]
        return CreateTopicsRequest(topics: [topic])
    }

    /// Follows the partitions of `__consumer_offsets` this broker leads: loads new ones (in the
    /// background; requests meanwhile get COORDINATOR_LOAD_IN_PROGRESS) and unloads lost ones.
    func apply(_ image: MetadataImage, now: @escaping @Sendable () -> Int64) {
        let leading = Set((image.topic(named: Self.offsetsTopic)?.partitions.values ?? [:].values).filter { $0.leader == nodeId }.map(\.index))
        var toLoad: [CoordinatorShardRuntime] = []
        let dropped: [CoordinatorShardRuntime] = shards.withLock { shards in
            for index in leading where shards[index] == nil {
                guard let partition = replicas.partition(TopicPartition(Self.offsetsTopic, index)) else { continue }
                let shard = GroupCoordinatorShard(partition: index, config: config.groupCoordinatorConfig, seed: UInt64.random(in: 0...UInt64.max))
                let runtime = CoordinatorShardRuntime(
                    partition: partition, shard: shard, replicas: replicas, commitTimeoutMs: config.offsetsCommitTimeoutMs, logger: logger,
                    metrics: metrics)
                shards[index] = runtime
                toLoad.append(runtime)
            }
            let lost = shards.keys.filter { !leading.contains($0) }
            return lost.compactMap { shards.removeValue(forKey: $0) }
        }
        for runtime in dropped { runtime.unload() }
        for runtime in toLoad {
            let logger = self.logger
            // An empty partition (a new topic) has nothing to replay: open it at once.
            if runtime.partition.log.logEndOffset == runtime.partition.log.logStartOffset {
                do { try runtime.load(now: now()) } catch { logger.error("could not load \(runtime.partition.topicPartition)", metadata: ["error": "\(error)"]) }
                continue
            }
            Task {
                do {
                    try runtime.load(now: now())
                } catch {
                    logger.error("could not load \(runtime.partition.topicPartition)", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Fires deadlines every 100 ms and expires offsets every `offsets.retention.check.interval.ms`.
    func runTimers(clock: @escaping @Sendable () -> Int64) async {
        var nextExpiry = clock() + config.offsetsRetentionCheckIntervalMs
        while !Task.isCancelledOrShuttingDown {
            try? await Task.sleep(for: .milliseconds(100))
            let now = clock()
            let runtimes = shards.withLock { Array($0.values) }
            for runtime in runtimes { runtime.advance(to: now) }
            if now >= nextExpiry {
                for runtime in runtimes { runtime.expireOffsets(now: now) }
                nextExpiry = now + config.offsetsRetentionCheckIntervalMs
            }
        }
    }
}

/// The group coordinator's timer as a service of the broker's `ServiceGroup`.
struct GroupTimers: Service {
    let groups: GroupCoordinatorService
    let clock: @Sendable () -> Int64

    func run() async throws { await groups.runTimers(clock: clock) }
}
