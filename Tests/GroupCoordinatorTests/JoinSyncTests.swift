import GroupCoordinator
import KafkaProtocol
import NIOCore
import Testing

/// The join and sync phases: the member-id handshake, the initial delay, leaders, protocols, errors.
@Suite struct JoinSyncTests {
    @Test func aFirstMemberGoesThroughHandshakeDelayJoinSyncToStable() {
        var h = ShardHarness()
        let (memberId, held) = h.joinNew()
        #expect(memberId.hasPrefix("client-"))
        #expect(h.joins[held] == nil, "held for group.initial.rebalance.delay.ms")
        #expect(h.state() == .preparingRebalance)
        h.advance(by: 2999)
        #expect(h.joins[held] == nil)
        h.advance(by: 1)
        let joined = h.joins[held]!
        #expect(joined.error == .noError)
        #expect(joined.generationId == 1)
        #expect(joined.leaderId == memberId)
        #expect(joined.protocolName == "range")
        #expect(joined.members.map(\.memberId) == [memberId])
        #expect(h.state() == .completingRebalance)
        let sync = h.sync(member: memberId, generation: 1, assignments: [memberId: ByteBuffer(bytes: [1, 2])])
        #expect(h.syncs[sync]?.assignment == ByteBuffer(bytes: [1, 2]))
        #expect(h.state() == .stable)
        #expect(h.records.count == 1, "the group is stored with its assignment before anyone gets theirs")
    }

    @Test func membersArrivingDuringTheInitialDelayExtendIt() {
        var h = ShardHarness()
        let (first, firstToken) = h.joinNew(client: "a")
        h.advance(by: 2000)
        let (second, secondToken) = h.joinNew(client: "b")
        h.advance(by: 1000)  // 3 s after the start: extended, since a member arrived
        #expect(h.joins[firstToken] == nil)
        h.advance(by: 3000)
        #expect(h.joins[firstToken]?.generationId == 1)
        #expect(h.joins[secondToken]?.generationId == 1)
        #expect(h.joins[firstToken]?.members.count == 2, "the leader sees every member")
        #expect(h.joins[secondToken]?.members.isEmpty == true, "followers see none")
        #expect(h.joins[secondToken]?.leaderId == first)
        _ = second
    }

    @Test func aNewMemberJoinsAfterTheOnlyOneLeftDuringTheInitialDelay() {
        var h = ShardHarness()
        let (first, firstToken) = h.joinNew(client: "a")
        _ = h.leave(members: [LeavingMember(memberId: first)])
        #expect(h.joins[firstToken]?.error == .unknownMemberId)
        #expect(h.state() == .preparingRebalance, "still in the initial delay, as in Kafka")
        let (second, secondToken) = h.joinNew(client: "b", protocols: ["roundrobin"])
        #expect(h.joins[secondToken] == nil, "accepted and held, not INCONSISTENT_GROUP_PROTOCOL")
        h.advance(by: 6000)
        #expect(h.joins[secondToken]?.error == ErrorCode.noError)
        #expect(h.joins[secondToken]?.leaderId == second)
        #expect(h.joins[secondToken]?.protocolName == "roundrobin")
    }

    @Test func followersWaitForTheLeadersAssignment() {
        var h = ShardHarness()
        let (leader, leaderJoin) = h.joinNew(client: "a")
        let (follower, _) = h.joinNew(client: "b")
        h.advance(by: 10_000)
        let generation = h.joins[leaderJoin]!.generationId
        let followerSync = h.sync(member: follower, generation: generation)
        #expect(h.syncs[followerSync] == nil)
        let leaderSync = h.sync(member: leader, generation: generation, assignments: [follower: ByteBuffer(bytes: [7])])
        #expect(h.syncs[followerSync]?.assignment == ByteBuffer(bytes: [7]))
        #expect(h.syncs[leaderSync]?.assignment == ByteBuffer(), "members the leader left out get an empty assignment")
        #expect(h.syncs[leaderSync]?.protocolType == "consumer")
    }

    @Test func theProtocolWithMostFirstChoicesWins() {
        var h = ShardHarness()
        let (_, a) = h.joinNew(client: "a", protocols: ["roundrobin", "range"])
        _ = h.joinNew(client: "b", protocols: ["roundrobin", "range"])
        _ = h.joinNew(client: "c", protocols: ["range", "roundrobin"])
        h.advance(by: 20_000)
        #expect(h.joins[a]?.protocolName == "roundrobin")
    }

    @Test func joinErrorsAreKafkas() {
        var h = ShardHarness()
        #expect(h.joins[h.join(session: 5999)]?.error == .invalidSessionTimeout)
        #expect(h.joins[h.join(session: 1_800_001)]?.error == .invalidSessionTimeout)
        #expect(h.joins[h.join("", member: "")]?.error == .invalidGroupId)
        #expect(h.joins[h.join("new", member: "someone")]?.error == .unknownMemberId)
        let (_, _) = h.joinNew()
        #expect(h.joins[h.join(protocols: ["cooperative-sticky"])]?.error == .inconsistentGroupProtocol)
        #expect(h.joins[h.join(type: "connect")]?.error == .inconsistentGroupProtocol)
        #expect(h.joins[h.join(member: "stranger")]?.error == .unknownMemberId)
    }

    @Test func oldClientsJoinWithoutTheHandshake() {
        var h = ShardHarness()
        let token = h.join(requireKnownMemberId: false)
        #expect(h.joins[token] == nil)
        h.advance(by: 3000)
        #expect(h.joins[token]?.error == .noError)
        #expect(h.joins[token]?.memberId.hasPrefix("client-") == true)
    }

    @Test func syncErrors() {
        var h = ShardHarness()
        let (member, token) = h.joinNew()
        #expect(h.syncs[h.sync(member: member, generation: 0)]?.error == .rebalanceInProgress)
        h.advance(by: 3000)
        let generation = h.joins[token]!.generationId
        #expect(h.syncs[h.sync(member: member, generation: generation + 1)]?.error == .illegalGeneration)
        #expect(h.syncs[h.sync(member: "nobody", generation: generation)]?.error == .unknownMemberId)
        #expect(h.syncs[h.sync("unknown", member: member, generation: generation)]?.error == .unknownMemberId)
        let input = SyncGroupInput(groupId: "g", generationId: generation, memberId: member, protocolName: "other")
        let mismatch = h.token()
        h.absorb(h.shard.syncGroup(input, token: mismatch, now: h.now))
        #expect(h.syncs[mismatch]?.error == .inconsistentGroupProtocol)
    }

    @Test func aRejoinWithSameMetadataInCompletingRebalanceGetsTheSameGeneration() {
        var h = ShardHarness()
        let (member, token) = h.joinNew()
        h.advance(by: 3000)
        let again = h.join(member: member)
        #expect(h.joins[again]?.generationId == h.joins[token]?.generationId)
        #expect(h.state() == .completingRebalance)
        let changed = h.join(member: member, topics: ["other"])
        // Changed metadata forces a rebalance; with every member (just this one) rejoined, it completes at once.
        #expect(h.joins[changed]?.generationId == h.joins[token]!.generationId + 1)
        #expect(h.state() == .completingRebalance)
    }
}
