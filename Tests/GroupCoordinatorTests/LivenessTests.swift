import GroupCoordinator
import KafkaProtocol
import NIOCore
import Testing

/// Heartbeats, session timeouts, rebalance and sync timeouts, LeaveGroup, static members.
@Suite struct LivenessTests {
    /// Two members in a Stable group at generation 1; returns their ids.
    static func stableGroup(_ h: inout ShardHarness, session: Int32 = 10_000) -> (String, String) {
        let (a, tokenA) = h.joinNew(client: "a", session: session)
        let (b, _) = h.joinNew(client: "b", session: session)
        h.advance(by: 6000)
        let generation = h.joins[tokenA]!.generationId
        h.sync(member: b, generation: generation)
        h.sync(member: a, generation: generation, assignments: [a: ByteBuffer(bytes: [1]), b: ByteBuffer(bytes: [2])])
        precondition(h.state() == .stable)
        return (a, b)
    }

    @Test func heartbeatsKeepMembersAndSilenceEvictsThem() {
        var h = ShardHarness()
        let (a, b) = Self.stableGroup(&h)
        for _ in 0..<5 {
            h.advance(by: 8000)
            #expect(h.heartbeat(member: a, generation: 1) == .noError)
            #expect(h.heartbeat(member: b, generation: 1) == .noError)
        }
        h.advance(by: 8000)
        #expect(h.heartbeat(member: a, generation: 1) == .noError)
        h.advance(by: 3000)  // b silent for 11 s > 10 s session
        #expect(h.shard.group("g")?.has(b) == false)
        #expect(h.state() == .preparingRebalance)
        #expect(h.heartbeat(member: a, generation: 1) == .rebalanceInProgress, "the survivor is told to rejoin")
        let rejoin = h.join(member: a, client: "a")
        #expect(h.joins[rejoin]?.generationId == 2, "everyone left has rejoined: the rebalance completes at once")
        #expect(h.joins[rejoin]?.leaderId == a)
    }

    @Test func heartbeatErrors() {
        var h = ShardHarness()
        let (a, _) = Self.stableGroup(&h)
        #expect(h.heartbeat(member: a, generation: 2) == .illegalGeneration)
        #expect(h.heartbeat(member: "ghost", generation: 1) == .unknownMemberId)
        #expect(h.heartbeat("nothere", member: a, generation: 1) == .unknownMemberId)
        #expect(h.heartbeat("", member: a, generation: 1) == .invalidGroupId)
    }

    @Test func membersThatDoNotRejoinInTimeAreDropped() {
        var h = ShardHarness()
        let (a, b) = Self.stableGroup(&h)
        let rejoin = h.join(member: a, client: "a")  // the leader rejoins: a rebalance
        #expect(h.state() == .preparingRebalance)
        for _ in 0..<3 {
            h.advance(by: 8000)
            // b stays alive (its session is fine) but never rejoins.
            #expect(h.heartbeat(member: b, generation: 1) == .rebalanceInProgress)
        }
        #expect(h.joins[rejoin] == nil)
        h.advance(by: 8000)  // past the 30 s rebalance timeout
        #expect(h.joins[rejoin]?.generationId == 2)
        #expect(h.shard.group("g")?.has(b) == false)
        #expect(h.shard.group("g")?.size == 1)
    }

    @Test func membersThatNeverSyncAreDroppedAfterTheRebalanceTimeout() {
        var h = ShardHarness()
        let (a, tokenA) = h.joinNew(client: "a", session: 60_000)
        let (b, _) = h.joinNew(client: "b", session: 60_000)
        h.advance(by: 6000)
        h.sync(member: a, generation: h.joins[tokenA]!.generationId, assignments: [:])
        #expect(h.state() == .stable)
        h.advance(by: 30_000)
        #expect(h.shard.group("g")?.has(b) == false)
        #expect(h.state() == .preparingRebalance)
    }

    @Test func leaveGroupRemovesMembersOneOrMany() {
        var h = ShardHarness()
        let (a, b) = Self.stableGroup(&h)
        let (error, members) = h.leave(members: [LeavingMember(memberId: b), LeavingMember(memberId: "ghost")])
        #expect(error == .noError)
        #expect(members == [.noError, .unknownMemberId])
        #expect(h.state() == .preparingRebalance)
        let (_, last) = h.leave(members: [LeavingMember(memberId: a)])
        #expect(last == [.noError])
        #expect(h.state() == .empty, "the last member leaving completes the join at once")
        let (unknownGroup, perMember) = h.leave("none", members: [LeavingMember(memberId: a)])
        #expect(unknownGroup == .noError && perMember == [.unknownMemberId])
    }

    @Test func aStaticMemberComesBackWithoutARebalanceAndFencesItsOldId() {
        var h = ShardHarness()
        let first = h.join(instance: "worker-1")
        #expect(h.joins[first] == nil, "static members skip MEMBER_ID_REQUIRED")
        h.advance(by: 3000)
        let oldId = h.joins[first]!.memberId
        #expect(oldId.hasPrefix("worker-1-"))
        h.sync(member: oldId, generation: 1, instance: "worker-1", assignments: [oldId: ByteBuffer(bytes: [5])])
        #expect(h.state() == .stable)
        let restart = h.join(instance: "worker-1")
        let answer = h.joins[restart]!
        #expect(answer.error == .noError)
        #expect(answer.memberId != oldId)
        #expect(answer.generationId == 1, "no new generation")
        #expect(h.state() == .stable)
        #expect(h.heartbeat(member: oldId, generation: 1, instance: "worker-1") == .fencedInstanceId)
        let sync = h.sync(member: answer.memberId, generation: 1, instance: "worker-1")
        #expect(h.syncs[sync]?.assignment == ByteBuffer(bytes: [5]), "it keeps its assignment")
        let (_, removed) = h.leave(members: [LeavingMember(memberId: "", groupInstanceId: "worker-1")])
        #expect(removed == [.noError], "an admin removes a static member by instance id")
    }

    @Test func pendingMemberIdsLapseAfterTheSessionTimeout() {
        var h = ShardHarness()
        let first = h.join(session: 10_000)
        let memberId = h.joins[first]!.memberId
        h.advance(by: 10_001)
        #expect(h.joins[h.join(member: memberId)]?.error == .unknownMemberId)
    }
}
