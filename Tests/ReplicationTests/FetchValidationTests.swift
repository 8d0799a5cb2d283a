import Testing

@testable import Replication

@Suite("Leader: fetch validation (KIP-320)")
struct FetchValidationTests {
    /// A leader in epoch 5 whose log holds epoch 1 at [0, 4), epoch 3 at [4, 7) and its own from 7.
    static func leaderWithHistory() -> LeaderFixture {
        var f = LeaderFixture(isr: [1, 2, 3], leaderEpoch: 5)
        var log = InMemoryReplicaLog()
        log.appendAsLeader([1, 2, 3, 4], epoch: 1)
        log.appendAsLeader([5, 6, 7], epoch: 3)
        let registration = PartitionRegistration(leader: 1, leaderEpoch: 5, partitionEpoch: 10, replicas: [1, 2, 3], isr: [1, 2, 3])
        f.leader = PartitionLeader(becomingLeader: registration, localReplica: 1, log: &log, highWatermark: 0, now: 0)
        f.log = log
        return f
    }

    @Test func epochsOlderNewerAndNonLeaders() {
        var f = Self.leaderWithHistory()
        let older = ReplicaFetchRequest(replicaId: 2, currentLeaderEpoch: 4, fetchOffset: 0)
        let result1 = f.leader.handleFetch(older, log: f.log, now: 1)
        #expect(result1.response.error == .fencedLeaderEpoch)
        let newer = ReplicaFetchRequest(replicaId: 2, currentLeaderEpoch: 6, fetchOffset: 0)
        let result2 = f.leader.handleFetch(newer, log: f.log, now: 1)
        #expect(result2.response.error == .unknownLeaderEpoch)
        let stranger = ReplicaFetchRequest(replicaId: 9, currentLeaderEpoch: 5, fetchOffset: 0)
        let result3 = f.leader.handleFetch(stranger, log: f.log, now: 1)
        #expect(result3.response.error == .unknownLeaderEpoch)
        #expect(LeaderEpochValidation.check(requestEpoch: 5, localEpoch: 5, isLeader: false) == .notLeaderOrFollower)
        #expect(LeaderEpochValidation.check(requestEpoch: 4, localEpoch: 5, isLeader: false) == .fencedLeaderEpoch)
        #expect(LeaderEpochValidation.check(requestEpoch: nil, localEpoch: 5, isLeader: true) == nil)
    }

    @Test func aFollowerAheadInAnOldEpochGetsTheDivergingEpoch() {
        var f = Self.leaderWithHistory()
        // The follower wrote epoch 1 up to offset 6 (an old leader's unreplicated tail).
        let request = ReplicaFetchRequest(replicaId: 2, currentLeaderEpoch: 5, fetchOffset: 6, lastFetchedEpoch: 1)
        let (response, effects) = f.leader.handleFetch(request, log: f.log, now: 1)
        #expect(response.divergingEpoch == EpochEndOffset(epoch: 1, endOffset: 4))
        #expect(response.batches.isEmpty && response.error == nil)
        #expect(f.leader.remoteReplicas[2]?.logEndOffset == -1, "a diverging fetch does not update the follower's state")
        #expect(effects == PartitionLeader.FetchEffects())
    }

    @Test func aFollowerWithAnEpochTheLeaderNeverHadGetsTheLargestEpochBelow() {
        var f = Self.leaderWithHistory()
        let request = ReplicaFetchRequest(replicaId: 2, currentLeaderEpoch: 5, fetchOffset: 6, lastFetchedEpoch: 2)
        let result4 = f.leader.handleFetch(request, log: f.log, now: 1)
        #expect(result4.response.divergingEpoch == EpochEndOffset(epoch: 1, endOffset: 4))
    }

    @Test func aFollowerOnTheLeadersLogGetsRecordsUpToTheLogEnd() {
        var f = Self.leaderWithHistory()
        f.produce(2, now: 1)
        let request = ReplicaFetchRequest(replicaId: 3, currentLeaderEpoch: 5, fetchOffset: 4, lastFetchedEpoch: 1)
        let response = f.leader.handleFetch(request, log: f.log, now: 2).response
        #expect(response.divergingEpoch == nil && response.error == nil)
        #expect(response.batches.map(\.baseOffset) == [4, 7])
        #expect(response.batches.last?.lastOffset == 8)
        #expect(f.leader.remoteReplicas[3]?.logEndOffset == 4)
    }

    @Test func consumersReadOnlyBelowTheHighWatermark() {
        var f = LeaderFixture()
        f.produce(6, now: 1)
        f.fetch(from: 2, offset: 3, now: 2)
        f.fetch(from: 3, offset: 6, now: 2)
        #expect(f.leader.highWatermark == 3)
        let consumer = ReplicaFetchRequest(replicaId: ReplicaFetchRequest.consumerReplicaId, currentLeaderEpoch: 1, fetchOffset: 0)
        let response = f.leader.handleFetch(consumer, log: f.log, now: 3).response
        #expect(response.batches.flatMap(\.values).count == 3)
        #expect(response.highWatermark == 3)
    }

    @Test func offsetsOutOfRange() {
        var f = LeaderFixture()
        f.produce(3, now: 1)
        let beyond = ReplicaFetchRequest(replicaId: 2, currentLeaderEpoch: 1, fetchOffset: 4)
        let response = f.leader.handleFetch(beyond, log: f.log, now: 2).response
        #expect(response.error == .offsetOutOfRange && response.logEndOffset == 3)
        let unknownEpoch = ReplicaFetchRequest(replicaId: 2, currentLeaderEpoch: 1, fetchOffset: 3, lastFetchedEpoch: 9)
        let result5 = f.leader.handleFetch(unknownEpoch, log: f.log, now: 2)
        #expect(result5.response.error == .offsetOutOfRange)
    }
}
