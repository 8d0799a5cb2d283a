import Testing

@testable import Replication

@Suite("Leader: ISR shrink and expansion, maximal ISR")
struct IsrChangeTests {
    static let lag: Int64 = 30_000

    @Test func aFollowerThatStopsFetchingLeavesAfterTheLagTime() throws {
        var f = LeaderFixture(now: 0)
        f.produce(2, now: 0)
        f.fetch(from: 2, offset: 2, now: 100)
        f.fetch(from: 3, offset: 2, now: 100)
        f.produce(1, now: 200)
        f.fetch(from: 2, offset: 3, now: 300)
        // Replica 3 was caught up at 100 and never since.
        let result1 = f.leader.maybeShrinkIsr(now: 100 + Self.lag)
        #expect(result1 == nil)
        let result2 = f.leader.maybeShrinkIsr(now: 101 + Self.lag)
        let request = try #require(result2)
        #expect(request.isrReplicas == [1, 2])
        #expect(request.partitionEpoch == 10 && request.leaderEpoch == 1)
        #expect(f.leader.isrState.isInflight)
        let result3 = f.leader.maybeShrinkIsr(now: 200 + Self.lag)
        #expect(result3 == nil, "one change in flight at a time")
    }

    @Test func aSlowFollowerCountsAsCaughtUpAtItsPreviousFetchWhenItReachedThatFetchsEnd() {
        var f = LeaderFixture()
        f.produce(5, now: 0)
        f.fetch(from: 2, offset: 0, now: 10)  // leader end 5
        f.fetch(from: 3, offset: 5, now: 10)
        f.produce(5, now: 20)
        f.fetch(from: 2, offset: 5, now: 40_000)  // behind the end (10) but at the previous fetch's end (5)
        #expect(f.leader.remoteReplicas[2]?.lastCaughtUpTimeMs == 10)
        f.fetch(from: 3, offset: 10, now: 40_000)
        #expect(f.leader.outOfSyncReplicas(now: 40_000) == [2], "caught up at 10 ms, 39.99 s ago")
    }

    @Test func expansionNeedsTheHighWatermarkAndTheLeaderEpochStart() throws {
        var f = LeaderFixture(isr: [1, 2], leaderEpoch: 3, preexisting: 8, highWatermark: 4)
        let result4 = f.fetch(from: 3, offset: 5, now: 1, lastFetchedEpoch: 0)
        #expect(result4.effects.alterPartition == nil, "below the epoch start (8)")
        let effects = f.fetch(from: 3, offset: 8, now: 2, lastFetchedEpoch: 0).effects
        let request = try #require(effects.alterPartition)
        #expect(request.isrReplicas == [1, 2, 3])
        #expect(request.newIsr.first { $0.replica == 3 }?.brokerEpoch == 5)
        #expect(f.leader.isrState.maximalIsr == [1, 2, 3])
        #expect(f.leader.isrState.isr == [1, 2])
    }

    @Test func aPendingExpansionCountsAtOnceForTheHighWatermark() throws {
        var f = LeaderFixture(isr: [1, 2], config: ReplicationConfig(minInsyncReplicas: 2, replicaLagTimeMaxMs: 10))
        f.produce(4, now: 0)
        f.fetch(from: 2, offset: 4, now: 1)
        #expect(f.leader.highWatermark == 4)
        let result5 = f.fetch(from: 3, offset: 4, now: 2)
        let request = try #require(result5.effects.alterPartition)
        f.produce(4, now: 100)
        f.fetch(from: 2, offset: 8, now: 101)
        #expect(f.leader.highWatermark == 4, "replica 3 is in the maximal ISR at offset 4")
        let outcome = f.leader.handleAlterPartitionResponse(
            .accepted(PartitionRegistration(leader: 1, leaderEpoch: 1, partitionEpoch: 11, replicas: [1, 2, 3], isr: [1, 2, 3])),
            to: request, now: 102)
        #expect(outcome == .committed(highWatermarkMoved: false))
        #expect(f.leader.partitionEpoch == 11 && f.leader.isrState == .committed(isr: [1, 2, 3]))
    }

    @Test func aPendingShrinkKeepsTheOldMembersUntilCommitted() throws {
        var f = LeaderFixture(config: ReplicationConfig(minInsyncReplicas: 2, replicaLagTimeMaxMs: 100))
        f.produce(4, now: 0)
        f.fetch(from: 2, offset: 4, now: 1)
        f.fetch(from: 3, offset: 2, now: 1)
        let result6 = f.leader.maybeShrinkIsr(now: 500)
        let request = try #require(result6)
        #expect(request.isrReplicas == [1, 2])
        f.fetch(from: 2, offset: 4, now: 501)
        #expect(f.leader.highWatermark == 2, "replica 3 still holds the HW while the shrink is in flight")
        let committed = PartitionRegistration(leader: 1, leaderEpoch: 1, partitionEpoch: 11, replicas: [1, 2, 3], isr: [1, 2])
        let result7 = f.leader.handleAlterPartitionResponse(.accepted(committed), to: request, now: 502)
        #expect(result7 == .committed(highWatermarkMoved: true))
        #expect(f.leader.highWatermark == 4)
    }

    @Test func refusalsRevertOrWaitForMetadata() throws {
        var f = LeaderFixture(config: ReplicationConfig(minInsyncReplicas: 2, replicaLagTimeMaxMs: 100))
        f.fetch(from: 2, offset: 0, now: 1)
        let result8 = f.leader.maybeShrinkIsr(now: 500)
        let request = try #require(result8)
        let other = AlterPartitionRequest(leader: 1, leaderEpoch: 1, partitionEpoch: 9, newIsr: [])
        let result9 = f.leader.handleAlterPartitionResponse(.rejected(.ineligibleReplica), to: other, now: 501)
        #expect(result9 == .ignored)
        let result10 = f.leader.handleAlterPartitionResponse(.rejected(.invalidUpdateVersion), to: request, now: 501)
        #expect(result10 == .awaitingMetadata)
        #expect(f.leader.isrState.isInflight)
        let result11 = f.leader.handleAlterPartitionResponse(.rejected(.ineligibleReplica), to: request, now: 502)
        #expect(result11 == .reverted)
        #expect(f.leader.isrState == .committed(isr: [1, 2, 3]))
        let stale = PartitionRegistration(leader: 1, leaderEpoch: 1, partitionEpoch: 9, replicas: [1, 2, 3], isr: [1])
        let result12 = f.leader.apply(stale, now: 503)
        #expect(!result12, "an older partition epoch is ignored")
        let newer = PartitionRegistration(leader: 1, leaderEpoch: 1, partitionEpoch: 12, replicas: [1, 2, 3], isr: [1, 3])
        let result13 = f.leader.apply(newer, now: 503)
        #expect(result13)
        #expect(f.leader.isrState == .committed(isr: [1, 3]) && f.leader.partitionEpoch == 12)
    }
}

@Suite("Leader: which brokers may join an ISR (KIP-841)")
struct IsrEligibilityTests {
    @Test func aFencedOrShuttingDownBrokerIsNotProposedAndAnOldIncarnationNeither() {
        var f = LeaderFixture(isr: [1, 2])
        f.produce(3, now: 0)
        let moved = f.leader.updateEligibleBrokers([1: 5, 2: 5], now: 1)
        #expect(!moved, "nothing to move the high watermark")
        #expect(f.fetch(from: 3, offset: 3, now: 2).effects.alterPartition == nil, "broker 3 is not eligible")
        _ = f.leader.updateEligibleBrokers([1: 5, 2: 5, 3: 9], now: 3)
        #expect(f.fetch(from: 3, offset: 3, now: 4).effects.alterPartition == nil, "fetching with epoch 5, registered as 9")
        #expect(f.fetch(from: 3, offset: 3, now: 5, brokerEpoch: 9).effects.alterPartition?.isrReplicas == [1, 2, 3])
    }

    @Test func aCaughtUpFollowerThatMayNotJoinDoesNotHoldTheHighWatermark() {
        var f = LeaderFixture(isr: [1, 2])
        _ = f.leader.updateEligibleBrokers([1: 5, 2: 5], now: 0)  // broker 3 fenced
        f.produce(2, now: 0)
        f.fetch(from: 2, offset: 2, now: 1)
        f.fetch(from: 3, offset: 2, now: 1)  // caught up, but may not join
        f.produce(2, now: 2)
        f.fetch(from: 2, offset: 4, now: 3)
        #expect(f.leader.highWatermark == 4, "an eligible follower caught up this recently would hold it at 2")
        _ = f.leader.updateEligibleBrokers([1: 5, 2: 5, 3: 5], now: 4)
        #expect(f.fetch(from: 3, offset: 4, now: 5).effects.alterPartition?.isrReplicas == [1, 2, 3])
    }
}
