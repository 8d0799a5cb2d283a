import Testing

@testable import Replication

@Suite("acks=all: min.insync.replicas and the purgatory")
struct AcksAllPurgatoryTests {
    @Test func refusedBeforeAppendingUnderMinInsync() {
        let f = LeaderFixture(isr: [1])
        #expect(f.leader.checkAppend(requiredAcks: -1) == .notEnoughReplicas)
        #expect(f.leader.checkAppend(requiredAcks: 1) == nil)
        #expect(LeaderFixture(isr: [1, 3]).leader.checkAppend(requiredAcks: -1) == nil)
    }

    @Test func answeredWhenTheHighWatermarkReachesTheAppend() {
        var f = LeaderFixture()
        var purgatory = AcksAllPurgatory<String>()
        f.produce(2, now: 0)
        purgatory.add("a", requiredOffset: 2, deadlineMs: 1_000)
        f.produce(2, now: 1)
        purgatory.add("b", requiredOffset: 4, deadlineMs: 1_000)
        let result1 = purgatory.complete(leader: f.leader, now: 2)
        #expect(result1.isEmpty)
        f.fetch(from: 2, offset: 2, now: 3)
        f.fetch(from: 3, offset: 3, now: 3)
        let answered = purgatory.complete(leader: f.leader, now: 4)
        #expect(answered.map(\.token) == ["a"])
        #expect(purgatory.pending.map(\.token) == ["b"])
    }

    @Test func timesOutAtTheDeadline() throws {
        var f = LeaderFixture()
        var purgatory = AcksAllPurgatory<Int>()
        f.produce(1, now: 0)
        purgatory.add(1, requiredOffset: 1, deadlineMs: 30)
        let result2 = purgatory.complete(leader: f.leader, now: 29)
        #expect(result2.isEmpty)
        let result3 = purgatory.complete(leader: f.leader, now: 30)
        let answered = try #require(result3.first)
        #expect(throws: ReplicationError.requestTimedOut) { try answered.result.get() }
        #expect(purgatory.isEmpty)
    }

    @Test func notEnoughReplicasAfterAppendWhenTheIsrShrankWhileWaiting() throws {
        var f = LeaderFixture(config: ReplicationConfig(minInsyncReplicas: 2, replicaLagTimeMaxMs: 100))
        var purgatory = AcksAllPurgatory<Int>()
        f.produce(1, now: 0)
        purgatory.add(1, requiredOffset: 1, deadlineMs: 10_000)
        f.fetch(from: 2, offset: 1, now: 1)
        f.fetch(from: 3, offset: 1, now: 1)  // HW 1, but the answer is not sent yet
        f.produce(1, now: 2)  // then both followers go quiet
        #expect(f.leader.highWatermark == 1)
        let result4 = f.leader.maybeShrinkIsr(now: 1_000)
        let shrink = try #require(result4)
        let registration = PartitionRegistration(leader: 1, leaderEpoch: 1, partitionEpoch: 11, replicas: [1, 2, 3], isr: [1])
        _ = f.leader.handleAlterPartitionResponse(.accepted(registration), to: shrink, now: 1_001)
        let result5 = purgatory.complete(leader: f.leader, now: 1_002)
        let answered = try #require(result5.first)
        #expect(throws: ReplicationError.notEnoughReplicasAfterAppend) { try answered.result.get() }
    }

    @Test func everythingFailsWhenLeadershipIsLost() {
        var purgatory = AcksAllPurgatory<Int>()
        purgatory.add(1, requiredOffset: 1, deadlineMs: 100)
        purgatory.add(2, requiredOffset: 2, deadlineMs: 100)
        let answered = purgatory.complete(leader: nil, now: 0)
        #expect(answered.count == 2)
        #expect(answered.allSatisfy { (try? $0.result.get()) == nil })
    }
}
