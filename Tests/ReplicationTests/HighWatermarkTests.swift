import Testing

@testable import Replication

@Suite("Leader: high watermark")
struct HighWatermarkTests {
    @Test func isTheSmallestLogEndInTheIsrAndNeverPassesTheLeader() {
        var f = LeaderFixture()
        f.produce(10, now: 1)
        #expect(f.leader.highWatermark == 0)
        f.fetch(from: 2, offset: 6, now: 2)
        #expect(f.leader.highWatermark == 0, "replica 3 has not fetched")
        f.fetch(from: 3, offset: 4, now: 3)
        #expect(f.leader.highWatermark == 4)
        f.fetch(from: 3, offset: 10, now: 4)
        #expect(f.leader.highWatermark == 6)
        f.fetch(from: 2, offset: 10, now: 5)
        #expect(f.leader.highWatermark == 10)
    }

    @Test func neverMovesBackWhenAFollowerFetchesFromLower() {
        var f = LeaderFixture()
        f.produce(5, now: 1)
        f.fetch(from: 2, offset: 5, now: 2)
        f.fetch(from: 3, offset: 5, now: 2)
        #expect(f.leader.highWatermark == 5)
        f.fetch(from: 3, offset: 2, now: 3)  // it restarted with less
        #expect(f.leader.highWatermark == 5)
    }

    @Test func doesNotAdvanceWhileTheCommittedIsrIsUnderMinInsync() {
        var f = LeaderFixture(isr: [1])
        f.produce(3, now: 1)
        #expect(f.leader.isUnderMinIsr)
        #expect(f.leader.highWatermark == 0)
        var single = LeaderFixture(isr: [1], config: ReplicationConfig(minInsyncReplicas: 1))
        single.produce(3, now: 1)
        #expect(single.leader.highWatermark == 3, "an ISR of one at min.insync.replicas=1 follows the leader")
    }

    @Test func waitsForACaughtUpFollowerOutsideTheIsr() {
        var f = LeaderFixture(isr: [1, 2], config: ReplicationConfig(minInsyncReplicas: 1, replicaLagTimeMaxMs: 1_000))
        f.produce(4, now: 10)
        let expansion = f.fetch(from: 3, offset: 4, now: 20).effects.alterPartition  // caught up at 20
        let result1 = f.leader.handleAlterPartitionResponse(.rejected(.ineligibleReplica), to: expansion!, now: 21)
        #expect(result1 == .reverted)
        f.produce(4, now: 30)
        f.fetch(from: 2, offset: 8, now: 40)
        #expect(f.leader.highWatermark == 4, "replica 3 caught up 20 ms ago, so the HW waits for it")
        f.produce(1, now: 1_100)  // the HW is recomputed when a log end moves
        #expect(f.leader.highWatermark == 8, "once it lagged longer than replica.lag.time.max.ms, it no longer holds the HW")
    }

    @Test func aNewLeaderKeepsItsHighWatermarkAndRecordsItsEpochStart() {
        var f = LeaderFixture(leaderEpoch: 4, preexisting: 6, highWatermark: 3)
        #expect(f.leader.highWatermark == 3)
        #expect(f.leader.leaderEpochStartOffset == 6)
        #expect(f.log.epochs.latestEntry == .init(epoch: 4, startOffset: 6))
        f.fetch(from: 2, offset: 6, now: 1, lastFetchedEpoch: 0)
        f.fetch(from: 3, offset: 6, now: 1, lastFetchedEpoch: 0)
        #expect(f.leader.highWatermark == 6, "records of earlier epochs commit once the ISR holds them")
    }
}
