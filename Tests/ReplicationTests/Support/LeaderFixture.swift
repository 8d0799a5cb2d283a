import Replication

/// Builds a leader on replica 1 of replicas [1, 2, 3] over an in-memory log.
struct LeaderFixture {
    var log = InMemoryReplicaLog()
    var leader: PartitionLeader

    init(
        isr: Set<Int32> = [1, 2, 3], leaderEpoch: Int32 = 1, preexisting: Int = 0, highWatermark: Int64 = 0,
        config: ReplicationConfig = ReplicationConfig(minInsyncReplicas: 2, replicaLagTimeMaxMs: 30_000), now: Int64 = 0
    ) {
        if preexisting > 0 { log.appendAsLeader(Array(0..<preexisting), epoch: 0) }
        let registration = PartitionRegistration(leader: 1, leaderEpoch: leaderEpoch, partitionEpoch: 10, replicas: [1, 2, 3], isr: isr)
        leader = PartitionLeader(becomingLeader: registration, localReplica: 1, log: &log, highWatermark: highWatermark, config: config, now: now)
    }

    /// Appends `count` records as leader and reports the new log end.
    mutating func produce(_ count: Int, now: Int64) {
        let end = log.appendAsLeader(Array(repeating: 7, count: count), epoch: leader.leaderEpoch)
        leader.didAppend(logEndOffset: end, now: now)
    }

    /// A follower's fetch at `offset` in the leader's epoch.
    @discardableResult
    mutating func fetch(from replica: Int32, offset: Int64, now: Int64, lastFetchedEpoch: Int32? = nil, brokerEpoch: Int64 = 5)
        -> (response: ReplicaFetchResponse<RecordsBatch>, effects: PartitionLeader.FetchEffects)
    {
        let request = ReplicaFetchRequest(
            replicaId: replica, brokerEpoch: brokerEpoch, currentLeaderEpoch: leader.leaderEpoch, fetchOffset: offset,
            lastFetchedEpoch: lastFetchedEpoch ?? log.epochs.epoch(forOffset: offset - 1))
        return leader.handleFetch(request, log: log, now: now)
    }
}
