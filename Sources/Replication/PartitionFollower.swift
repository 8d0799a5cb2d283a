import LogStorage

/// One partition on a follower (the partition side of Kafka's `ReplicaFetcherThread`): it fetches
/// from the leader at its log end with the epoch of its last batch, truncates where the leader says
/// the logs diverge (KIP-320; on becoming follower this is how KIP-279's truncation happens), appends
/// what the leader sends, and follows the leader's high watermark.
///
/// A pure value; the shell sends `fetchRequest(log:)` to the leader and gives the answer to
/// `handleFetchResponse(_:log:)`, which writes to the log.
public struct PartitionFollower: Sendable {
    /// What a fetch response did.
    public enum FetchOutcome: Sendable, Hashable {
        /// Records were appended (`count` offsets; 0 when the follower is at the leader's end).
        case appended(count: Int64)
        /// The log was cut at this offset; fetch again from there.
        case truncated(to: Int64)
        /// The answer no longer matches this follower's epoch or position: dropped.
        case stale
        /// The leader refused; back off and fetch again, or wait for newer metadata.
        case failed(ReplicationError)
        /// The log refused the batches.
        case appendFailed(ReplicationLogError)
    }

    public let localReplica: Int32
    public private(set) var leader: Int32
    public private(set) var leaderEpoch: Int32
    public private(set) var partitionEpoch: Int32
    /// This broker's epoch (KIP-903), sent with every fetch.
    public let brokerEpoch: Int64
    /// min(the leader's high watermark, the local log end): what this replica may expose.
    public private(set) var highWatermark: Int64

    /// Follows `registration.leader` in its epoch (Kafka's `makeFollower`). Nothing is truncated
    /// here: the first fetch finds any divergence.
    public init<Log: ReplicaLog>(
        following registration: PartitionRegistration, localReplica: Int32, brokerEpoch: Int64, log: Log, highWatermark: Int64
    ) {
        precondition(registration.leader != nil && registration.leader != localReplica, "a follower needs another leader")
        self.localReplica = localReplica
        leader = registration.leader ?? -1
        leaderEpoch = registration.leaderEpoch
        partitionEpoch = registration.partitionEpoch
        self.brokerEpoch = brokerEpoch
        self.highWatermark = min(max(0, highWatermark), log.logEndOffset)
    }

    /// Takes a newer partition epoch for the same leader and leader epoch; false (nothing changed)
    /// when the leadership changed, so the shell must build a new role.
    @discardableResult
    public mutating func apply(_ registration: PartitionRegistration) -> Bool {
        guard registration.leader == leader, registration.leaderEpoch == leaderEpoch, registration.partitionEpoch >= partitionEpoch else {
            return false
        }
        partitionEpoch = registration.partitionEpoch
        return true
    }

    /// The next fetch: from the log end, with the epoch of the last local batch (KIP-320).
    public func fetchRequest<Log: ReplicaLog>(log: Log, maxBytes: Int = 1 << 20) -> ReplicaFetchRequest {
        ReplicaFetchRequest(
            replicaId: localReplica, brokerEpoch: brokerEpoch, currentLeaderEpoch: leaderEpoch, fetchOffset: log.logEndOffset,
            lastFetchedEpoch: log.latestEpoch, maxBytes: maxBytes)
    }

    /// Applies the leader's answer to a fetch this follower sent.
    public mutating func handleFetchResponse<Log: ReplicaLog>(_ response: ReplicaFetchResponse<Log.Batch>, log: inout Log) -> FetchOutcome {
        let request = response.request
        guard request.currentLeaderEpoch == leaderEpoch, request.fetchOffset == log.logEndOffset,
            request.lastFetchedEpoch == log.latestEpoch
        else { return .stale }
        if let error = response.error {
            // KIP-101's fallback when the leader cannot place our last epoch: cut to its log end.
            if error == .offsetOutOfRange, response.logEndOffset >= 0, response.logEndOffset < log.logEndOffset {
                return truncate(log: &log, to: response.logEndOffset)
            }
            return .failed(error)
        }
        if let diverging = response.divergingEpoch {
            return truncate(log: &log, to: Self.truncationOffset(for: diverging, log: log))
        }
        let before = log.logEndOffset
        if !response.batches.isEmpty {
            do { try log.appendAsFollower(response.batches) } catch { return .appendFailed(error) }
        }
        highWatermark = max(0, min(response.highWatermark, log.logEndOffset))
        return .appended(count: log.logEndOffset - before)
    }

    /// Where to cut for a diverging epoch (Kafka's `getOffsetTruncationState`): at the end of that
    /// epoch on both logs; if this log does not know the epoch, at the end of its largest epoch below
    /// it, and the next fetch narrows it further.
    public static func truncationOffset<Log: ReplicaLog>(for diverging: EpochEndOffset, log: Log) -> Int64 {
        let end = log.logEndOffset
        let local = log.endOffset(forEpoch: diverging.epoch)
        if local.epoch == LeaderEpochCache.undefinedEpoch || local.endOffset == LeaderEpochCache.undefinedEpochOffset {
            return min(diverging.endOffset, end)
        }
        if local.epoch != diverging.epoch { return min(local.endOffset, end) }
        return min(local.endOffset, diverging.endOffset, end)
    }

    private mutating func truncate<Log: ReplicaLog>(log: inout Log, to offset: Int64) -> FetchOutcome {
        log.truncate(to: offset)
        highWatermark = min(highWatermark, log.logEndOffset)
        return .truncated(to: log.logEndOffset)
    }
}
