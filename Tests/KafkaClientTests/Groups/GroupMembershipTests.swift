import KafkaProtocol
import Testing

@testable import KafkaClient

/// The membership state machine without sockets: every coordinator answer and what it leads to.
@Suite("Group membership state machine")
struct GroupMembershipTests {
    func stableMember(generation: Int32 = 3, memberId: String = "m-1") -> GroupMembership {
        var membership = GroupMembership()
        membership.joinStarted()
        _ = membership.joined(generationId: generation, memberId: memberId, protocolName: "range", leader: false)
        _ = membership.synced()
        membership.needsJoinPrepare = false
        return membership
    }

    @Test func joinThenSyncMakesTheMemberStable() {
        var membership = GroupMembership()
        #expect(membership.state == .unjoined)
        #expect(membership.rejoinNeeded)
        #expect(!membership.heartbeatsEnabled)
        membership.joinStarted()
        #expect(membership.rebalanceInProgress)
        let joined = membership.joined(generationId: 1, memberId: "m", protocolName: "range", leader: true)
        #expect(joined)
        #expect(membership.heartbeatsEnabled)
        #expect(membership.generationIfStable == nil)
        let synced = membership.synced()
        #expect(synced)
        #expect(membership.generationIfStable?.generationId == 1)
        #expect(!membership.rejoinNeeded)
        #expect(membership.isLeader)
    }

    @Test func memberIdRequiredKeepsTheAssignedIdForTheNextJoin() {
        var membership = GroupMembership()
        membership.joinStarted()
        let reaction = membership.joinFailed(.memberIdRequired, memberIdInResponse: "given", sent: .none)
        #expect(reaction == .retryNow)
        #expect(membership.generation.memberId == "given")
        #expect(membership.generation.generationId == -1)
    }

    @Test func joinErrorsMapAsKafkaDoes() {
        var membership = GroupMembership()
        #expect(membership.joinFailed(.coordinatorLoadInProgress, memberIdInResponse: "", sent: .none) == .backoff)
        #expect(membership.joinFailed(.notCoordinator, memberIdInResponse: "", sent: .none) == .coordinatorMoved)
        #expect(membership.joinFailed(.coordinatorNotAvailable, memberIdInResponse: "", sent: .none) == .coordinatorMoved)
        #expect(membership.joinFailed(.rebalanceInProgress, memberIdInResponse: "", sent: .none) == .retryNow)
        #expect(membership.joinFailed(.fencedInstanceId, memberIdInResponse: "", sent: .none) == .fail)
        #expect(membership.joinFailed(.invalidSessionTimeout, memberIdInResponse: "", sent: .none) == .fail)
        #expect(membership.joinFailed(.inconsistentGroupProtocol, memberIdInResponse: "", sent: .none) == .fail)
        var known = stableMember()
        let sent = known.generation
        #expect(known.joinFailed(.unknownMemberId, memberIdInResponse: "", sent: sent) == .retryNow)
        #expect(known.generation == .none)
    }

    @Test func heartbeatAnswers() {
        var membership = stableMember()
        let sent = membership.generation
        #expect(membership.heartbeatFailed(.noError, sent: sent) == .ignore)
        #expect(membership.heartbeatFailed(.rebalanceInProgress, sent: sent) == .ignore)
        #expect(membership.rejoinNeeded)
        #expect(membership.generationIfStable == sent)  // still stable: commits before rejoining work
        #expect(membership.heartbeatFailed(.notCoordinator, sent: sent) == .coordinatorMoved)

        var illegal = stableMember()
        #expect(illegal.heartbeatFailed(.illegalGeneration, sent: illegal.generation) == .ignore)
        #expect(illegal.state == .unjoined)
        #expect(illegal.generation.memberId == "m-1")  // kept: still valid
        #expect(illegal.generation.isReset)
        #expect(illegal.needsJoinPrepare)

        var unknown = stableMember()
        #expect(unknown.heartbeatFailed(.unknownMemberId, sent: unknown.generation) == .ignore)
        #expect(unknown.generation == .none)

        var fenced = stableMember()
        #expect(fenced.heartbeatFailed(.fencedInstanceId, sent: fenced.generation) == .fail)

        var stale = stableMember(generation: 4)
        let old = GroupMembership.Generation(generationId: 3, memberId: "m-1", protocolName: "range")
        #expect(stale.heartbeatFailed(.illegalGeneration, sent: old) == .ignore)
        #expect(stale.state == .stable)  // an answer to an older generation changes nothing
    }

    @Test func commitAnswers() {
        var membership = stableMember()
        let sent = membership.generation
        #expect(membership.commitFailed(.coordinatorLoadInProgress, sent: sent) == .retry)
        #expect(membership.commitFailed(.notCoordinator, sent: sent) == .coordinatorMoved)
        #expect(membership.commitFailed(.offsetMetadataTooLarge, sent: sent) == .fail)
        #expect(membership.commitFailed(.rebalanceInProgress, sent: sent) == .rebalanceInProgress)
        #expect(membership.rejoinNeeded)
        #expect(membership.commitFailed(.unknownMemberId, sent: sent) == .commitFailed)
        #expect(membership.state == .unjoined)

        var rejoining = stableMember(generation: 5)
        rejoining.joinStarted()
        let older = GroupMembership.Generation(generationId: 4, memberId: "m-1", protocolName: "range")
        #expect(rejoining.commitFailed(.illegalGeneration, sent: older) == .rebalanceInProgress)
        #expect(rejoining.state == .preparingRebalance)
    }

    @Test func syncAnswersAndStaleJoins() {
        var membership = GroupMembership()
        membership.joinStarted()
        _ = membership.joined(generationId: 2, memberId: "m", protocolName: "range", leader: false)
        let sent = membership.generation
        #expect(membership.syncFailed(.rebalanceInProgress, sent: sent) == .retryNow)
        #expect(membership.syncFailed(.illegalGeneration, sent: sent) == .retryNow)
        #expect(membership.generation.memberId == "m")
        let synced = membership.synced()
        #expect(!synced)  // reset meanwhile: the answer is not applied

        var left = stableMember()
        #expect(left.leave(isStatic: false) == "m-1")
        let staleJoin = left.joined(generationId: 9, memberId: "m-1", protocolName: "range", leader: false)
        #expect(!staleJoin)
        var staticMember = stableMember()
        #expect(staticMember.leave(isStatic: true) == nil)
        #expect(staticMember.generation == .none)
    }
}
