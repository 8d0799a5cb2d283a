import Controller
import KafkaProtocol
import KafkaRecords
import LogStorage
import Logging
import Replication
import Synchronization

/// The partitions this broker holds, kept in step with the metadata image (Kafka's `ReplicaManager`):
/// it creates logs for new partitions, deletes the logs of deleted topics, applies topic config
/// changes, and gives the produce and fetch paths the `Partition` they work on.
final class ReplicaManager: Sendable {
    let nodeId: Int32
    let logManager: LogManager
    private let partitions = Mutex<[TopicPartition: Partition]>([:])
    private let logger: Logger
    let clock: @Sendable () -> Int64

    let replicaLagTimeMaxMs: Int64
    /// Told whenever the partitions this broker follows, or their leaders, may have changed.
    private let followersChanged = Mutex<(@Sendable () -> Void)?>(nil)

    init(nodeId: Int32, logManager: LogManager, replicaLagTimeMaxMs: Int64 = 30_000, logger: Logger, clock: @escaping @Sendable () -> Int64) {
        self.nodeId = nodeId
        self.logManager = logManager
        self.replicaLagTimeMaxMs = replicaLagTimeMaxMs
        self.logger = logger
        self.clock = clock
    }

    /// Installs the follower fetchers' wake-up (the broker process runs fetchers; tests may not).
    func onFollowersChanged(_ action: @escaping @Sendable () -> Void) { followersChanged.withLock { $0 = action } }

    /// The partitions this broker follows, grouped by the broker that leads them.
    var followedByLeader: [Int32: [Partition]] {
        Dictionary(grouping: allPartitions.compactMap { partition in partition.followedLeader.map { ($0, partition) } }, by: \.0)
            .mapValues { $0.map(\.1) }
    }

    func partition(_ topicPartition: TopicPartition) -> Partition? { partitions.withLock { $0[topicPartition] } }

    var allPartitions: [Partition] { partitions.withLock { Array($0.values) } }

    /// Reconciles the local partitions with a newly committed image: creates logs for new replicas,
    /// deletes those of deleted topics, applies config changes, and moves each partition to the role
    /// the image gives this broker (leader, follower, or leaderless).
    func apply(_ image: MetadataImage, configs: ConfigResolver) {
        var wanted: [TopicPartition: (TopicImage, PartitionImage)] = [:]
        for topic in image.topicsByName.values {
            for partition in topic.partitions.values where partition.replicas.contains(nodeId) {
                wanted[TopicPartition(topic.name, partition.index)] = (topic, partition)
            }
        }
        // Logs of deleted topics, or of a topic deleted and re-created under the same name while this
        // broker was down (its partition.metadata names the old id), go.
        for topicPartition in logManager.topicPartitions {
            let wantedId = wanted[topicPartition]?.0.id.base64
            let storedId = logManager.topicId(for: topicPartition)
            if wantedId == nil || (storedId != nil && storedId != wantedId) { remove(topicPartition) }
        }
        let existing = partitions.withLock { $0 }
        var settingsByTopic: [String: TopicSettings] = [:]
        let brokerEpoch = image.brokers[nodeId]?.epoch ?? -1
        // KIP-841: fenced brokers and those shutting down may not join an ISR, nor hold back a high watermark.
        let eligibleBrokers = Dictionary(
            uniqueKeysWithValues: image.brokers.values.filter { !$0.fenced && !$0.inControlledShutdown }.map { ($0.id, $0.epoch) })
        let now = clock()
        var followersMoved = false
        for (topicPartition, (topic, partitionImage)) in wanted {
            let settings = settingsByTopic[topic.name] ?? configs.topicSettings(topic.name)
            settingsByTopic[topic.name] = settings
            let partition: Partition
            if let current = existing[topicPartition], current.topicId == topic.id {
                if current.settings != settings { current.update(settings: settings) }
                partition = current
            } else {
                do {
                    let log = try logManager.getOrCreateLog(topicPartition, topicId: topic.id.base64, config: settings.log, now: now)
                    partition = Partition(
                        topicPartition: topicPartition, topicId: topic.id, log: log, localReplica: nodeId, settings: settings,
                        replicaLagTimeMaxMs: replicaLagTimeMaxMs)
                    partitions.withLock { $0[topicPartition] = partition }
                } catch {
                    logger.error("could not open the log of \(topicPartition)", metadata: ["error": "\(error)"])
                    continue
                }
            }
            let transition = partition.update(
                partitionImage.registration, brokerEpoch: brokerEpoch, eligibleBrokers: eligibleBrokers, now: now)
            switch transition {
            case .unchanged: break
            case .becameLeader:
                logger.info("leading \(topicPartition)", metadata: ["leaderEpoch": "\(partitionImage.leaderEpoch)"])
                followersMoved = true
            case .becameFollower(let leader):
                logger.info("following broker \(leader) for \(topicPartition)", metadata: ["leaderEpoch": "\(partitionImage.leaderEpoch)"])
                followersMoved = true
            case .becameLeaderless:
                logger.warning("\(topicPartition) has no leader", metadata: ["leaderEpoch": "\(partitionImage.leaderEpoch)"])
                followersMoved = true
            }
        }
        if followersMoved { followersChanged.withLock { $0 }?() }
    }

    private func remove(_ topicPartition: TopicPartition) {
        let partition = partitions.withLock { $0.removeValue(forKey: topicPartition) }
        partition?.waiters.wakeAll()
        do {
            try logManager.deleteLog(topicPartition)
            logger.info("deleted the log of \(topicPartition)")
        } catch {
            logger.error("could not delete the log of \(topicPartition)", metadata: ["error": "\(error)"])
        }
    }
}

extension PartitionImage {
    /// The image's partition as Replication's state machines take it (leader -1 means none).
    var registration: PartitionRegistration {
        PartitionRegistration(
            leader: leader >= 0 ? leader : nil, leaderEpoch: leaderEpoch, partitionEpoch: partitionEpoch, replicas: replicas,
            isr: Set(isr))
    }
}
