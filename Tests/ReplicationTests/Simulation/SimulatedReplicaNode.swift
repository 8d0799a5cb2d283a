import Replication

/// One broker of the replication simulation, hosting one replica of the partition: its log, its role
/// (built from the metadata it has seen), the acks=all appends waiting on it, and its fetch timers.
struct SimulatedReplicaNode {
    enum Role {
        case none
        case leader(PartitionLeader)
        case follower(PartitionFollower)
    }

    /// A produce request waiting in this leader's purgatory.
    struct PendingProduce {
        var values: [Int]
        var baseOffset: Int64
    }

    let id: Int32
    var alive = true
    var brokerEpoch: Int64
    var log = InMemoryReplicaLog()
    var role = Role.none
    /// The registration this broker's metadata shows, nil until the first after a (re)start.
    var metadata: PartitionRegistration?
    var purgatory = AcksAllPurgatory<Int>()
    var produces: [Int: PendingProduce] = [:]
    /// The high watermark kept while the broker has no role (the replication-offset checkpoint).
    var storedHighWatermark: Int64 = 0
    var fetchInFlight: ReplicaFetchRequest?
    var fetchSentAt: Int64 = 0
    var nextFetchAt: Int64 = 0
    var alterPartitionSentAt: Int64?

    init(id: Int32, brokerEpoch: Int64) {
        self.id = id
        self.brokerEpoch = brokerEpoch
    }

    var leader: PartitionLeader? {
        if case .leader(let leader) = role { return leader }
        return nil
    }

    var highWatermark: Int64 {
        switch role {
        case .none: min(storedHighWatermark, log.logEndOffset)
        case .leader(let leader): leader.highWatermark
        case .follower(let follower): follower.highWatermark
        }
    }

    /// The leader epoch this broker knows, for answering fetches.
    var knownLeaderEpoch: Int32 { metadata?.leaderEpoch ?? -1 }

    /// Takes a registration from metadata: updates the role in place when only the ISR changed,
    /// otherwise builds the new role (Kafka's makeLeader / makeFollower). Returns the produces that
    /// failed because this broker stopped leading.
    mutating func applyMetadata(_ registration: PartitionRegistration, config: ReplicationConfig, now: Int64) -> [Int] {
        metadata = registration
        switch role {
        case .leader(var leader) where leader.apply(registration, now: now):
            role = .leader(leader)
            return []
        case .follower(var follower) where follower.apply(registration):
            role = .follower(follower)
            return []
        default:
            break
        }
        let hw = highWatermark
        let failed = dropRole()
        storedHighWatermark = hw
        if registration.leader == id {
            role = .leader(PartitionLeader(becomingLeader: registration, localReplica: id, log: &log, highWatermark: hw, config: config, now: now))
        } else if registration.leader != nil {
            role = .follower(PartitionFollower(following: registration, localReplica: id, brokerEpoch: brokerEpoch, log: log, highWatermark: hw))
        }
        return failed
    }

    /// Leaves the current role; the appends waiting in the purgatory fail.
    mutating func dropRole() -> [Int] {
        storedHighWatermark = highWatermark
        role = .none
        fetchInFlight = nil
        alterPartitionSentAt = nil
        let failed = purgatory.complete(leader: nil, now: 0).map(\.token)
        for token in failed { produces[token] = nil }
        return failed
    }

    /// A process crash (kill -9): the page cache keeps the log; everything in memory is gone.
    mutating func crash() {
        _ = dropRole()
        alive = false
        metadata = nil
    }

    /// A power loss: like a crash, and the log keeps only what was flushed.
    mutating func powerLoss() {
        crash()
        log.loseUnflushedTail()
    }

    mutating func restart(brokerEpoch: Int64) {
        alive = true
        self.brokerEpoch = brokerEpoch
        storedHighWatermark = min(storedHighWatermark, log.logEndOffset)
    }
}
