import LogStorage

extension PartitionLeader {
    /// What answering a fetch did besides the response.
    public struct FetchEffects: Sendable, Hashable {
        /// The high watermark advanced: the shell completes waiting acks=all appends and fetches.
        public var highWatermarkMoved = false
        /// The follower may join the ISR: send this to the controller.
        public var alterPartition: AlterPartitionRequest?

        public init(highWatermarkMoved: Bool = false, alterPartition: AlterPartitionRequest? = nil) {
            self.highWatermarkMoved = highWatermarkMoved
            self.alterPartition = alterPartition
        }
    }

    /// Answers a follower's or a consumer's fetch (Kafka's `Partition.fetchRecords`): checks the
    /// leader epoch, then the follower's last fetched epoch against the leader-epoch cache (a
    /// mismatch answers with the diverging epoch so the follower truncates, KIP-320), then the offset
    /// range; reads up to the log end for followers and up to the high watermark for consumers. A
    /// follower's fetch offset is its log end: it updates the follower's state, the HW and the ISR.
    public mutating func handleFetch<Log: ReplicaLog>(
        _ request: ReplicaFetchRequest, log: Log, now: Int64
    ) -> (response: ReplicaFetchResponse<Log.Batch>, effects: FetchEffects) {
        var effects = FetchEffects()
        if let error = LeaderEpochValidation.check(requestEpoch: request.currentLeaderEpoch, localEpoch: leaderEpoch, isLeader: true) {
            return (.failure(error, for: request), effects)
        }
        if request.isFromFollower, remoteReplicas[request.replicaId] == nil {
            return (.failure(request.currentLeaderEpoch == nil ? .notLeaderOrFollower : .unknownLeaderEpoch, for: request), effects)
        }
        logEndOffset = max(logEndOffset, log.logEndOffset)
        // The offsets before the read, as Kafka's readRecords takes them.
        var response = ReplicaFetchResponse<Log.Batch>(
            request: request, highWatermark: highWatermark, logStartOffset: log.logStartOffset, logEndOffset: logEndOffset)
        if let lastFetchedEpoch = request.lastFetchedEpoch {
            let end = log.endOffset(forEpoch: lastFetchedEpoch)
            if end.epoch == LeaderEpochCache.undefinedEpoch || end.endOffset == LeaderEpochCache.undefinedEpochOffset
                || request.fetchOffset < log.logStartOffset
            {
                response.error = .offsetOutOfRange
                return (response, effects)
            }
            if end.epoch < lastFetchedEpoch || end.endOffset < request.fetchOffset {
                response.divergingEpoch = EpochEndOffset(epoch: end.epoch, endOffset: end.endOffset)
                return (response, effects)
            }
        }
        guard request.fetchOffset >= log.logStartOffset, request.fetchOffset <= logEndOffset else {
            response.error = .offsetOutOfRange
            return (response, effects)
        }
        let maxOffset = request.isFromFollower ? logEndOffset : highWatermark
        response.batches = log.read(from: request.fetchOffset, upTo: maxOffset, limit: request.maxBytes)
        if request.isFromFollower {
            effects = recordFollowerFetch(request, leaderEndOffset: logEndOffset, now: now)
        }
        return (response, effects)
    }

    /// Kafka's `updateFollowerFetchState`: the follower's position, then a possible ISR expansion,
    /// then the high watermark (when the follower's log end moved).
    public mutating func recordFollowerFetch(_ request: ReplicaFetchRequest, leaderEndOffset: Int64, now: Int64) -> FetchEffects {
        guard var state = remoteReplicas[request.replicaId] else { return FetchEffects() }
        let previousEnd = state.logEndOffset
        state.updateFetchState(
            fetchOffset: request.fetchOffset, fetchTimeMs: now, leaderEndOffset: leaderEndOffset, brokerEpoch: request.brokerEpoch)
        remoteReplicas[request.replicaId] = state
        var effects = FetchEffects()
        effects.alterPartition = maybeExpandIsr(replica: request.replicaId)
        if previousEnd != state.logEndOffset || effects.alterPartition != nil {
            effects.highWatermarkMoved = maybeIncrementHighWatermark(now: now)
        }
        return effects
    }
}
