/// One partition on its leader (Kafka's `Partition` in the leader role): the leader and partition
/// epochs, the replicas, the ISR with any AlterPartition in flight, what each follower's fetches told,
/// and the high watermark.
///
/// A pure value with no I/O and no clock: the shell passes `now` in milliseconds, appends produce
/// requests to the log itself and reports the new log end with `didAppend`, answers follower fetches
/// with `handleFetch`, calls `maybeShrinkIsr` on a timer, and sends the `AlterPartitionRequest`s these
/// return to the controller.
public struct PartitionLeader: Sendable {
    public let localReplica: Int32
    public var config: ReplicationConfig
    public internal(set) var leaderEpoch: Int32
    public internal(set) var partitionEpoch: Int32
    public internal(set) var replicas: [Int32]
    public internal(set) var isrState: IsrState
    /// Every replica but this one.
    public internal(set) var remoteReplicas: [Int32: RemoteReplicaState]
    /// Offsets below it are on every replica of the maximal ISR; it never moves back.
    public internal(set) var highWatermark: Int64
    /// The local log end offset, as last reported.
    public internal(set) var logEndOffset: Int64
    /// The log end when this leader's epoch began: a follower must reach it to join the ISR.
    public let leaderEpochStartOffset: Int64
    /// The brokers that may join an ISR, with their broker epochs, as the metadata shows them: not
    /// fenced, not shutting down (KIP-841). nil lets every replica join (a simulation without brokers).
    public internal(set) var eligibleBrokers: [Int32: Int64]?

    /// Becomes leader in `registration.leaderEpoch` (Kafka's `makeLeader` for a new leader epoch):
    /// records the epoch's start offset in the log's leader-epoch cache (KIP-279), forgets what
    /// followers said to earlier leaders, and keeps the high watermark this replica had as follower.
    public init<Log: ReplicaLog>(
        becomingLeader registration: PartitionRegistration, localReplica: Int32, log: inout Log,
        highWatermark: Int64, config: ReplicationConfig = .default, now: Int64
    ) {
        precondition(registration.leader == localReplica, "becoming leader of a partition led by \(String(describing: registration.leader))")
        self.localReplica = localReplica
        self.config = config
        leaderEpoch = registration.leaderEpoch
        partitionEpoch = registration.partitionEpoch
        replicas = registration.replicas
        isrState = .committed(isr: registration.isr)
        let endOffset = log.logEndOffset
        log.assignEpochStartOffset(epoch: registration.leaderEpoch, startOffset: endOffset)
        leaderEpochStartOffset = endOffset
        logEndOffset = endOffset
        self.highWatermark = min(max(highWatermark, log.logStartOffset), endOffset)
        remoteReplicas = [:]
        for replica in registration.replicas where replica != localReplica {
            remoteReplicas[replica] = RemoteReplicaState(inIsr: registration.isr.contains(replica), now: now)
        }
        maybeIncrementHighWatermark(now: now)
    }

    // MARK: Controller updates

    /// Applies the controller's newer state for the same leader epoch (an ISR or replica change that
    /// reached this broker through metadata). Settles any AlterPartition in flight. Returns false, and
    /// changes nothing, for another leader or epoch or an older partition epoch: the shell must then
    /// make this replica a follower (or leader anew) instead.
    @discardableResult
    public mutating func apply(_ registration: PartitionRegistration, now: Int64) -> Bool {
        guard registration.leader == localReplica, registration.leaderEpoch == leaderEpoch,
            registration.partitionEpoch >= partitionEpoch
        else { return false }
        partitionEpoch = registration.partitionEpoch
        replicas = registration.replicas
        for replica in registration.replicas where replica != localReplica && remoteReplicas[replica] == nil {
            remoteReplicas[replica] = RemoteReplicaState(inIsr: registration.isr.contains(replica), now: now)
        }
        remoteReplicas = remoteReplicas.filter { registration.replicas.contains($0.key) }
        isrState = .committed(isr: registration.isr)
        maybeIncrementHighWatermark(now: now)
        return true
    }

    /// Takes the metadata's newest view of which brokers may join an ISR. A replica that may not no
    /// longer holds the high watermark back while it would be waiting to join, so a write can be
    /// acknowledged at once when a caught-up follower is fenced or shuts down. Returns whether the high
    /// watermark moved.
    public mutating func updateEligibleBrokers(_ brokers: [Int32: Int64], now: Int64) -> Bool {
        guard eligibleBrokers != brokers else { return false }
        eligibleBrokers = brokers
        return maybeIncrementHighWatermark(now: now)
    }

    /// Kafka's `isReplicaIsrEligible`: the replica's broker is unfenced and not shutting down, in the
    /// incarnation it last fetched with.
    func isIsrEligible(_ replica: Int32) -> Bool {
        guard let eligibleBrokers else { return true }
        guard let epoch = eligibleBrokers[replica] else { return false }
        let fetchedWith = remoteReplicas[replica]?.brokerEpoch ?? -1
        return fetchedWith == -1 || fetchedWith == epoch
    }

    // MARK: Produce

    /// `min.insync.replicas`, capped at the replication factor (Kafka's `effectiveMinIsr`).
    public var effectiveMinIsr: Int { min(config.minInsyncReplicas, replicas.count) }

    /// The committed ISR is smaller than `min.insync.replicas`.
    public var isUnderMinIsr: Bool { isrState.isr.count < effectiveMinIsr }

    /// Checked before a produce is appended: acks=all (`requiredAcks == -1`) is refused with
    /// NOT_ENOUGH_REPLICAS while the committed ISR is under `min.insync.replicas`.
    public func checkAppend(requiredAcks: Int16) -> ReplicationError? {
        requiredAcks == -1 && isUnderMinIsr ? .notEnoughReplicas : nil
    }

    /// Records the local log end after an append; returns whether the high watermark moved
    /// (an ISR of one follows the leader's log end).
    @discardableResult
    public mutating func didAppend(logEndOffset: Int64, now: Int64) -> Bool {
        self.logEndOffset = max(self.logEndOffset, logEndOffset)
        return maybeIncrementHighWatermark(now: now)
    }

    /// Kafka's `checkEnoughReplicasReachOffset` for an acks=all append ending at `requiredOffset`
    /// (its last offset + 1): nil while waiting; once the high watermark reached it, no error, or
    /// NOT_ENOUGH_REPLICAS_AFTER_APPEND when the maximal ISR is now under `min.insync.replicas`.
    public func acksAllResult(requiredOffset: Int64) -> Result<Void, ReplicationError>? {
        guard highWatermark >= requiredOffset else { return nil }
        return isrState.maximalIsr.count >= effectiveMinIsr ? .success(()) : .failure(.notEnoughReplicasAfterAppend)
    }

    // MARK: High watermark

    /// Kafka's `maybeIncrementLeaderHW`: the smallest log end offset among the leader, the maximal
    /// ISR, and eligible followers caught up within `replica.lag.time.max.ms` that are about to join it
    /// (so the high watermark waits for them instead of outrunning them). It does not advance while the
    /// committed ISR is under `min.insync.replicas` (Kafka 3.7+), and it never moves back.
    @discardableResult
    mutating func maybeIncrementHighWatermark(now: Int64) -> Bool {
        guard !isUnderMinIsr else { return false }
        let maximalIsr = isrState.maximalIsr
        var candidate = logEndOffset
        for (replica, state) in remoteReplicas where state.logEndOffset < candidate {
            let waitToJoin =
                state.isCaughtUp(leaderEndOffset: logEndOffset, now: now, maxLagMs: config.replicaLagTimeMaxMs) && isIsrEligible(replica)
            if maximalIsr.contains(replica) || waitToJoin { candidate = state.logEndOffset }
        }
        guard candidate > highWatermark else { return false }
        highWatermark = candidate
        return true
    }

    func alterPartitionRequest(isr: Set<Int32>) -> AlterPartitionRequest {
        let members = isr.sorted().map { replica in
            AlterPartitionRequest.Member(replica: replica, brokerEpoch: remoteReplicas[replica]?.brokerEpoch ?? -1)
        }
        return AlterPartitionRequest(leader: localReplica, leaderEpoch: leaderEpoch, partitionEpoch: partitionEpoch, newIsr: members)
    }
}
