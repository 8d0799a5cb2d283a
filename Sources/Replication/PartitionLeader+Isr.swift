extension PartitionLeader {
    /// What became of an AlterPartition answer.
    public enum AlterPartitionOutcome: Sendable, Hashable {
        /// The controller committed the change; `highWatermarkMoved` says whether the HW advanced.
        case committed(highWatermarkMoved: Bool)
        /// The controller refused without applying (INELIGIBLE_REPLICA): back to the committed ISR.
        case reverted
        /// Refused as stale (FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION, ...): the change stays
        /// pending until newer metadata arrives through `apply(_:now:)`.
        case awaitingMetadata
        /// The answer is for another request, epoch or an older partition epoch.
        case ignored
    }

    /// Followers in the ISR that have not been caught up for `replica.lag.time.max.ms` (Kafka's
    /// `getOutOfSyncReplicas`); none while an AlterPartition is in flight.
    public func outOfSyncReplicas(now: Int64) -> Set<Int32> {
        guard !isrState.isInflight else { return [] }
        return Set(isrState.isr.filter { replica in
            guard replica != localReplica else { return false }
            guard let state = remoteReplicas[replica] else { return true }
            return !state.isCaughtUp(leaderEndOffset: logEndOffset, now: now, maxLagMs: config.replicaLagTimeMaxMs)
        })
    }

    /// Proposes removing the out-of-sync followers (Kafka's `maybeShrinkIsr`, run on a timer). The
    /// maximal ISR keeps them until the controller commits, so the HW cannot run ahead of them.
    public mutating func maybeShrinkIsr(now: Int64) -> AlterPartitionRequest? {
        let outOfSync = outOfSyncReplicas(now: now)
        guard !outOfSync.isEmpty else { return nil }
        let committed = isrState.isr
        let request = alterPartitionRequest(isr: committed.subtracting(outOfSync))
        isrState = .pendingShrink(committed: committed, outOfSync: outOfSync, request: request)
        return request
    }

    /// Kafka's `maybeExpandIsr` after a follower's fetch: an eligible follower outside the ISR joins
    /// when its log end reached the high watermark and this leader's epoch start offset (so it holds every
    /// committed record, even those the HW does not show yet). The new member counts at once.
    mutating func maybeExpandIsr(replica: Int32) -> AlterPartitionRequest? {
        guard !isrState.isInflight, !isrState.isr.contains(replica), isIsrEligible(replica), let state = remoteReplicas[replica],
            state.logEndOffset >= highWatermark, state.logEndOffset >= leaderEpochStartOffset
        else { return nil }
        let committed = isrState.isr
        let request = alterPartitionRequest(isr: committed.union([replica]))
        isrState = .pendingExpand(committed: committed, newMember: replica, request: request)
        return request
    }

    /// Settles the AlterPartition in flight with the controller's answer (Kafka's
    /// `handleAlterPartitionUpdate` and `handleAlterPartitionError`).
    public mutating func handleAlterPartitionResponse(
        _ response: AlterPartitionResponse, to request: AlterPartitionRequest, now: Int64
    ) -> AlterPartitionOutcome {
        guard isrState.pendingRequest == request else { return .ignored }
        switch response {
        case .accepted(let registration):
            guard registration.leaderEpoch == leaderEpoch, registration.partitionEpoch >= partitionEpoch else { return .ignored }
            isrState = .committed(isr: registration.isr)
            partitionEpoch = registration.partitionEpoch
            return .committed(highWatermarkMoved: maybeIncrementHighWatermark(now: now))
        case .rejected(.ineligibleReplica):
            isrState = .committed(isr: isrState.isr)
            return .reverted
        case .rejected:
            return .awaitingMetadata
        }
    }
}
