import KafkaProtocol
import KafkaRecords
import LogStorage
import NIOCore
import Replication
import Synchronization

/// A partition this broker holds (Kafka's `Partition`): its log, its role in the partition's current
/// leader epoch, the topic settings in force, and the fetches and acks=all produces waiting on it.
///
/// The role is Replication's pure state machine: as leader, `PartitionLeader` (the ISR, each follower's
/// position, the high watermark); as follower, `PartitionFollower` (fetch position, truncation, the
/// leader's high watermark). Every log write happens under the role's lock, so an append can never
/// land in an epoch this replica no longer leads (Kafka's `leaderIsrUpdateLock`).
final class Partition: Sendable {
    /// What this replica is in the partition's current epoch.
    enum Role: Sendable {
        case leader(PartitionLeader)
        case follower(PartitionFollower)
        /// No replica can lead (every ISR member is offline, unclean election off): no reads, no writes.
        case leaderless(leaderEpoch: Int32)
    }

    /// What `update` changed.
    enum Transition: Sendable, Equatable {
        case unchanged
        case becameLeader
        case becameFollower(leader: Int32)
        case becameLeaderless
    }

    let topicPartition: TopicPartition
    let topicId: KafkaUUID
    let log: PartitionLog
    let localReplica: Int32
    let waiters = DataWaiters()
    /// The acks=all produces waiting for the high watermark.
    let acknowledgements = AcknowledgementWaiters()
    private let role: Mutex<Role>
    private let currentSettings: Mutex<TopicSettings>
    private let replicaLagTimeMaxMs: Int64

    init(
        topicPartition: TopicPartition, topicId: KafkaUUID, log: PartitionLog, localReplica: Int32, settings: TopicSettings,
        replicaLagTimeMaxMs: Int64
    ) {
        self.topicPartition = topicPartition
        self.topicId = topicId
        self.log = log
        self.localReplica = localReplica
        self.replicaLagTimeMaxMs = replicaLagTimeMaxMs
        role = Mutex(.leaderless(leaderEpoch: -1))
        currentSettings = Mutex(settings)
        log.updateConfig(settings.log)
    }

    var settings: TopicSettings { currentSettings.withLock { $0 } }

    private var replicationConfig: ReplicationConfig {
        ReplicationConfig(minInsyncReplicas: settings.minInsyncReplicas, replicaLagTimeMaxMs: replicaLagTimeMaxMs)
    }

    func update(settings: TopicSettings) {
        currentSettings.withLock { $0 = settings }
        log.updateConfig(settings.log)
        let config = replicationConfig
        role.withLock { role in
            if case .leader(var leader) = role {
                leader.config = config
                role = .leader(leader)
            }
        }
    }

    // MARK: Role

    /// Takes the controller's newest record of the partition (Kafka's `makeLeader`/`makeFollower`):
    /// keeps the role when only the ISR or partition epoch changed, else starts the new one. Wakes
    /// everything waiting, since a produce waiting for the ISR must now fail or finish.
    /// `eligibleBrokers` are the brokers that may join an ISR, with their epochs (KIP-841); nil lets
    /// every replica join.
    @discardableResult
    func update(
        _ registration: PartitionRegistration, brokerEpoch: Int64, eligibleBrokers: [Int32: Int64]? = nil, now: Int64
    ) -> Transition {
        let config = replicationConfig
        let transition = role.withLock { role -> Transition in
            var adapter = PartitionLogReplica(log: log, now: now)
            if registration.leader == localReplica {
                if case .leader(var leader) = role {
                    leader.config = config
                    if let eligibleBrokers { _ = leader.updateEligibleBrokers(eligibleBrokers, now: now) }
                    if leader.apply(registration, now: now) {
                        role = .leader(leader)
                        _ = log.updateHighWatermark(leader.highWatermark)
                        return .unchanged
                    }
                }
                var leader = PartitionLeader(
                    becomingLeader: registration, localReplica: localReplica, log: &adapter, highWatermark: log.highWatermark,
                    config: config, now: now)
                if let eligibleBrokers { _ = leader.updateEligibleBrokers(eligibleBrokers, now: now) }
                _ = log.updateHighWatermark(leader.highWatermark)
                role = .leader(leader)
                return .becameLeader
            }
            guard let leaderId = registration.leader else {
                role = .leaderless(leaderEpoch: registration.leaderEpoch)
                return .becameLeaderless
            }
            if case .follower(var follower) = role, follower.apply(registration) {
                role = .follower(follower)
                return .unchanged
            }
            role = .follower(
                PartitionFollower(
                    following: registration, localReplica: localReplica, brokerEpoch: brokerEpoch, log: adapter,
                    highWatermark: log.highWatermark))
            return .becameFollower(leader: leaderId)
        }
        waiters.wakeAll()
        acknowledgements.releaseAll()
        return transition
    }

    var isLeader: Bool {
        role.withLock { if case .leader = $0 { true } else { false } }
    }

    /// The broker this replica follows, if it is a follower.
    var followedLeader: Int32? {
        role.withLock { if case .follower(let follower) = $0 { follower.leader } else { nil } }
    }

    var leaderEpoch: Int32 {
        role.withLock { role in
            switch role {
            case .leader(let leader): leader.leaderEpoch
            case .follower(let follower): follower.leaderEpoch
            case .leaderless(let epoch): epoch
            }
        }
    }

    /// What consumers may read up to: the leader's high watermark (a follower's copy of it elsewhere).
    var highWatermark: Int64 {
        role.withLock { role in
            switch role {
            case .leader(let leader): leader.highWatermark
            case .follower(let follower): follower.highWatermark
            case .leaderless: log.highWatermark
            }
        }
    }

    /// Resumes the acks=all produces the leader's high watermark now covers.
    private func releaseAcknowledged() {
        let highWatermark = role.withLock { role -> Int64? in if case .leader(let leader) = role { leader.highWatermark } else { nil } }
        if let highWatermark { acknowledgements.release(upTo: highWatermark) }
    }

    /// Whether this replica leads the partition with fewer in-sync replicas than replicas (Kafka's
    /// UnderReplicatedPartitions counts these on the leader).
    var isUnderReplicated: Bool {
        role.withLock { if case .leader(let leader) = $0 { leader.isrState.isr.count < leader.replicas.count } else { false } }
    }

    /// The committed ISR as this replica knows it (its own view as leader).
    var isr: Set<Int32> {
        role.withLock { if case .leader(let leader) = $0 { leader.isrState.isr } else { [] } }
    }

    // MARK: Leader: produce

    /// Appends a producer's batch as leader in the current epoch. Refused with NOT_LEADER_OR_FOLLOWER
    /// on any other role, and for acks=all with NOT_ENOUGH_REPLICAS while the ISR is under
    /// `min.insync.replicas`, before anything is written.
    func appendAsLeader(_ records: ByteBuffer, requiredAcks: Int16, now: Int64) throws(ProduceError) -> LogAppendResult {
        let topicPartition = self.topicPartition
        let (result, wake) = try role.withLock { role throws(ProduceError) -> (LogAppendResult, Bool) in
            guard case .leader(var leader) = role else {
                throw ProduceError(.notLeaderOrFollower, "Broker \(localReplica) is not the leader of \(topicPartition).")
            }
            if leader.checkAppend(requiredAcks: requiredAcks) != nil {
                throw ProduceError(
                    .notEnoughReplicas,
                    "The size of the current ISR \(leader.isrState.isr.sorted()) is insufficient to satisfy the min.isr "
                        + "requirement of \(leader.effectiveMinIsr) for partition \(topicPartition).")
            }
            let result: LogAppendResult
            do throws(LogStorageError) {
                result = try log.appendAsLeader(records, leaderEpoch: leader.leaderEpoch, now: now)
            } catch {
                throw ProduceError(error)
            }
            let moved = leader.didAppend(logEndOffset: log.logEndOffset, now: now)
            if moved { _ = log.updateHighWatermark(leader.highWatermark) }
            role = .leader(leader)
            return (result, moved || !result.isDuplicate)
        }
        // Followers long-polling for the new records wake as well as consumers.
        if wake { waiters.wakeAll() }
        releaseAcknowledged()
        return result
    }

    /// Whether an acks=all append ending at `offset` (exclusive) is settled: nil while the ISR has not
    /// reached it; NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank under `min.insync.replicas`
    /// meanwhile; NOT_LEADER_OR_FOLLOWER once this replica no longer leads.
    func acknowledgement(upTo offset: Int64) -> Result<Void, ReplicationError>? {
        role.withLock { role in
            guard case .leader(let leader) = role else { return .failure(.notLeaderOrFollower) }
            return leader.acksAllResult(requiredOffset: offset)
        }
    }

    // MARK: Leader: followers

    /// Answers a follower's fetch of this partition: records up to the log end, or where their logs
    /// diverge; moves that follower's position, the high watermark, and may propose it for the ISR.
    func handleReplicaFetch(_ request: ReplicaFetchRequest, now: Int64) -> (ReplicaFetchResponse<StoredBatch>, PartitionLeader.FetchEffects) {
        let (response, effects) = role.withLock { role -> (ReplicaFetchResponse<StoredBatch>, PartitionLeader.FetchEffects) in
            guard case .leader(var leader) = role else {
                let epoch: Int32 = if case .follower(let follower) = role { follower.leaderEpoch } else { -1 }
                let error = LeaderEpochValidation.check(requestEpoch: request.currentLeaderEpoch, localEpoch: epoch, isLeader: false)
                return (.failure(error ?? .notLeaderOrFollower, for: request), PartitionLeader.FetchEffects())
            }
            let (response, effects) = leader.handleFetch(request, log: PartitionLogReplica(log: log, now: now), now: now)
            if effects.highWatermarkMoved { _ = log.updateHighWatermark(leader.highWatermark) }
            role = .leader(leader)
            return (response, effects)
        }
        if effects.highWatermarkMoved {
            waiters.wakeAll()
            releaseAcknowledged()
        }
        return (response, effects)
    }

    /// Proposes dropping followers that fell behind for `replica.lag.time.max.ms` (on the leader's timer).
    func maybeShrinkIsr(now: Int64) -> Replication.AlterPartitionRequest? {
        role.withLock { role in
            guard case .leader(var leader) = role else { return nil }
            let request = leader.maybeShrinkIsr(now: now)
            role = .leader(leader)
            return request
        }
    }

    /// The ISR change this leader waits for the controller to answer, if any.
    var pendingIsrChange: Replication.AlterPartitionRequest? {
        role.withLock { if case .leader(let leader) = $0 { leader.isrState.pendingRequest } else { nil } }
    }

    /// Settles an ISR change the controller answered.
    func handleAlterPartitionResponse(
        _ response: Replication.AlterPartitionResponse, to request: Replication.AlterPartitionRequest, now: Int64
    )
        -> PartitionLeader.AlterPartitionOutcome
    {
        let outcome = role.withLock { role -> PartitionLeader.AlterPartitionOutcome in
            guard case .leader(var leader) = role else { return .ignored }
            let outcome = leader.handleAlterPartitionResponse(response, to: request, now: now)
            if case .committed(true) = outcome { _ = log.updateHighWatermark(leader.highWatermark) }
            role = .leader(leader)
            return outcome
        }
        if case .committed = outcome {
            waiters.wakeAll()
            releaseAcknowledged()
        }
        return outcome
    }

    // MARK: Follower

    /// The fetch this replica sends to the broker it follows next; nil unless it follows one.
    func followerFetchRequest(maxBytes: Int) -> (request: ReplicaFetchRequest, leader: Int32)? {
        role.withLock { role in
            guard case .follower(let follower) = role else { return nil }
            return (follower.fetchRequest(log: PartitionLogReplica(log: log), maxBytes: maxBytes), follower.leader)
        }
    }

    /// Applies the leader's answer: appends, truncates where the logs diverge, follows the leader's
    /// high watermark and log start offset. A follower that fell below the leader's log start starts
    /// over there (Kafka's fetcher on OFFSET_OUT_OF_RANGE). nil when this replica no longer follows.
    func handleFollowerFetchResponse(_ response: ReplicaFetchResponse<StoredBatch>, now: Int64) throws(LogStorageError)
        -> PartitionFollower.FetchOutcome?
    {
        try role.withLock { role throws(LogStorageError) -> PartitionFollower.FetchOutcome? in
            guard case .follower(var follower) = role else { return nil }
            var adapter = PartitionLogReplica(log: log, now: now)
            var outcome = follower.handleFetchResponse(response, log: &adapter)
            if case .failed(.offsetOutOfRange) = outcome, response.logStartOffset > log.logEndOffset {
                try log.truncateFully(newStart: response.logStartOffset, now: now)
                outcome = .truncated(to: log.logEndOffset)
            }
            role = .follower(follower)
            _ = log.updateHighWatermark(follower.highWatermark)
            if response.error == nil, response.logStartOffset > log.logStartOffset {
                try log.deleteRecords(before: min(response.logStartOffset, log.highWatermark))
            }
            return outcome
        }
    }
}
