import Controller
import KafkaProtocol
import KafkaRecords
import LogStorage
import Logging
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

    init(nodeId: Int32, logManager: LogManager, logger: Logger, clock: @escaping @Sendable () -> Int64) {
        self.nodeId = nodeId
        self.logManager = logManager
        self.logger = logger
        self.clock = clock
    }

    func partition(_ topicPartition: TopicPartition) -> Partition? { partitions.withLock { $0[topicPartition] } }

    var allPartitions: [Partition] { partitions.withLock { Array($0.values) } }

    /// Reconciles the local partitions with a newly committed image.
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
        for (topicPartition, (topic, partitionImage)) in wanted {
            let settings = settingsByTopic[topic.name] ?? configs.topicSettings(topic.name)
            settingsByTopic[topic.name] = settings
            if let current = existing[topicPartition], current.topicId == topic.id {
                if current.settings != settings { current.update(settings: settings) }
                continue
            }
            do {
                let log = try logManager.getOrCreateLog(topicPartition, topicId: topic.id.base64, config: settings.log, now: clock())
                let partition = Partition(
                    topicPartition: topicPartition, topicId: topic.id, log: log, localReplica: nodeId,
                    leaderEpoch: partitionImage.leaderEpoch, replicas: partitionImage.replicas, isr: partitionImage.isr,
                    settings: settings)
                partitions.withLock { $0[topicPartition] = partition }
            } catch {
                logger.error("could not open the log of \(topicPartition)", metadata: ["error": "\(error)"])
            }
        }
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
