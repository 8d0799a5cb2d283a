import KafkaProtocol
import KafkaRecords
import LogStorage
import NIOCore
import Replication
import Synchronization

/// A partition this broker holds (Kafka's `Partition`): its log, the leader's replica state (ISR and
/// high watermark), the topic settings in force, and the fetches waiting for its data.
final class Partition: Sendable {
    let topicPartition: TopicPartition
    let topicId: KafkaUUID
    let log: PartitionLog
    let waiters = DataWaiters()
    private let leader: Mutex<LeaderReplicaState>
    private let currentSettings: Mutex<TopicSettings>

    init(topicPartition: TopicPartition, topicId: KafkaUUID, log: PartitionLog, localReplica: Int32,
         leaderEpoch: Int32, replicas: [Int32], isr: [Int32], settings: TopicSettings) {
        self.topicPartition = topicPartition
        self.topicId = topicId
        self.log = log
        let state = LeaderReplicaState(
            localReplica: localReplica, leaderEpoch: leaderEpoch, replicas: replicas, isr: isr,
            localLogEndOffset: log.logEndOffset, highWatermark: log.highWatermark)
        leader = Mutex(state)
        currentSettings = Mutex(settings)
        log.updateConfig(settings.log)
        _ = log.updateHighWatermark(state.highWatermark)
    }

    var settings: TopicSettings { currentSettings.withLock { $0 } }

    func update(settings: TopicSettings) {
        currentSettings.withLock { $0 = settings }
        log.updateConfig(settings.log)
    }

    var highWatermark: Int64 { leader.withLock { $0.highWatermark } }
    var leaderEpoch: Int32 { leader.withLock { $0.leaderEpoch } }
    var isrCount: Int { leader.withLock { $0.isr.count } }

    /// Appends a produce request's batch as leader, then moves the high watermark and wakes fetches.
    func appendAsLeader(_ records: ByteBuffer, now: Int64) throws(LogStorageError) -> LogAppendResult {
        let result = try log.appendAsLeader(records, leaderEpoch: leaderEpoch, now: now)
        if !result.isDuplicate { localLogAdvanced() }
        return result
    }

    /// The leader's own log end moved: the high watermark may follow.
    private func localLogAdvanced() {
        let moved = leader.withLock { state in
            state.updateLogEndOffset(replica: state.localReplica, to: log.logEndOffset)
        }
        if let highWatermark = moved {
            _ = log.updateHighWatermark(highWatermark)
            waiters.wakeAll()
        }
    }

    /// Whether an acks=all write may go ahead (`min.insync.replicas`).
    func hasEnoughInsyncReplicas() -> Bool {
        let required = settings.minInsyncReplicas
        return leader.withLock { $0.hasEnoughInsyncReplicas(required) }
    }

    /// Whether an acks=all write ending at `offset` (exclusive) is acknowledged by the ISR.
    func isAcknowledged(upTo offset: Int64) -> Bool { leader.withLock { $0.isAcknowledged(upTo: offset) } }
}
