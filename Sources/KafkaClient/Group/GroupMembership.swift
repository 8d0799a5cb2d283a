import KafkaProtocol

/// A consumer's membership in its group, as Kafka's `AbstractCoordinator` keeps it: no I/O, so every
/// answer the coordinator can give is testable without sockets. The I/O shell (`ConsumerCoordinator`)
/// holds one behind a lock, applies each response, and does what the returned `Reaction` says.
///
/// States (Kafka's `MemberState`):
/// - `unjoined`: not in the group (start, after leaving, after the coordinator forgot the member).
///   Heartbeats are off. A JoinGroup moves to `preparingRebalance`.
/// - `preparingRebalance`: JoinGroup sent. Heartbeats are off (the join itself is the liveness). A
///   successful answer moves to `completingRebalance` with the new generation.
/// - `completingRebalance`: joined, SyncGroup sent (the leader first computes the assignment).
///   Heartbeats are on. The SyncGroup answer moves to `stable`.
/// - `stable`: the member has its assignment; commits carry this generation. A heartbeat answering
///   REBALANCE_IN_PROGRESS asks for a rejoin; UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION reset to
///   `unjoined` (the partitions are then lost, not revoked).
struct GroupMembership: Sendable {
    enum State: Sendable, Equatable {
        case unjoined, preparingRebalance, completingRebalance, stable
    }

    /// Generation, member id and protocol, as the coordinator last gave them.
    struct Generation: Sendable, Equatable {
        var generationId: Int32
        var memberId: String
        var protocolName: String?

        static let none = Generation(generationId: -1, memberId: "", protocolName: nil)
        var isReset: Bool { generationId == -1 || memberId.isEmpty }
    }

    /// What the shell does after an error answer.
    enum Reaction: Sendable, Equatable {
        /// Nothing (a stale answer, or an error that only asks for a later rejoin).
        case ignore
        /// Join again at once (new member id, new generation).
        case retryNow
        /// Try again after `retry.backoff.ms`.
        case backoff
        /// Forget the coordinator, find it again, then try again after the backoff.
        case coordinatorMoved
        /// Give up: the error goes to the caller (and `fatalError` if it is permanent).
        case fail
    }

    private(set) var state = State.unjoined
    private(set) var generation = Generation.none
    private(set) var rejoinNeeded = true
    private(set) var rejoinReason = ""
    private(set) var isLeader = false
    /// Whether the consumer must run its join preparation (commit, revoke or lose) before the next join.
    var needsJoinPrepare = true
    /// A permanent failure (FENCED_INSTANCE_ID): every later poll throws it.
    private(set) var fatalError: KafkaClientError?

    var rebalanceInProgress: Bool { state == .preparingRebalance || state == .completingRebalance }
    var generationIfStable: Generation? { state == .stable ? generation : nil }
    /// Heartbeats go out from the JoinGroup answer until the member leaves or is reset.
    var heartbeatsEnabled: Bool { state == .stable || state == .completingRebalance }

    mutating func requestRejoin(_ reason: String) {
        rejoinNeeded = true
        rejoinReason = reason
    }

    /// Back to `unjoined`; the member id is kept after ILLEGAL_GENERATION (it is still valid).
    mutating func reset(keepMemberId: Bool, reason: String) {
        state = .unjoined
        generation = keepMemberId ? Generation(generationId: -1, memberId: generation.memberId, protocolName: nil) : .none
        isLeader = false
        requestRejoin(reason)
        needsJoinPrepare = true
    }

    mutating func joinStarted() { state = .preparingRebalance }

    /// A successful JoinGroup answer; false when the member left meanwhile (the answer is stale).
    mutating func joined(generationId: Int32, memberId: String, protocolName: String?, leader: Bool) -> Bool {
        guard state == .preparingRebalance else { return false }
        state = .completingRebalance
        generation = Generation(generationId: generationId, memberId: memberId, protocolName: protocolName)
        isLeader = leader
        return true
    }

    /// A successful SyncGroup answer; false when the generation was reset meanwhile.
    mutating func synced() -> Bool {
        guard generation.generationId != -1, state == .completingRebalance else { return false }
        state = .stable
        rejoinNeeded = false
        rejoinReason = ""
        return true
    }

    mutating func fail(_ error: KafkaClientError) { fatalError = error }

    mutating func joinFailed(_ error: ErrorCode, memberIdInResponse: String, sent: Generation) -> Reaction {
        switch error {
        case .memberIdRequired:
            // KIP-394: join again with the member id the coordinator assigned.
            generation = Generation(generationId: -1, memberId: memberIdInResponse, protocolName: nil)
            requestRejoin("need to re-join with the given member-id: \(memberIdInResponse)")
            return .retryNow
        case .unknownMemberId:
            if generation == sent { reset(keepMemberId: false, reason: "encountered \(error.name) from JoinGroup") }
            return .retryNow
        case .rebalanceInProgress: return .retryNow
        case .coordinatorLoadInProgress: return .backoff
        case .coordinatorNotAvailable, .notCoordinator: return .coordinatorMoved
        default: return .fail  // FENCED_INSTANCE_ID, INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT, ...
        }
    }

    mutating func syncFailed(_ error: ErrorCode, sent: Generation) -> Reaction {
        switch error {
        case .rebalanceInProgress: return .retryNow
        case .unknownMemberId, .illegalGeneration:
            if generation == sent {
                reset(keepMemberId: error == .illegalGeneration, reason: "encountered \(error.name) from SyncGroup")
            }
            return .retryNow
        case .coordinatorNotAvailable, .notCoordinator: return .coordinatorMoved
        default: return .fail
        }
    }

    mutating func heartbeatFailed(_ error: ErrorCode, sent: Generation) -> Reaction {
        switch error {
        case .noError: return .ignore
        case .coordinatorNotAvailable, .notCoordinator: return .coordinatorMoved
        case .rebalanceInProgress:
            if state == .stable { requestRejoin("group is already rebalancing") }
            return .ignore
        case .illegalGeneration, .unknownMemberId, .fencedInstanceId:
            guard generation == sent else { return .ignore }
            reset(keepMemberId: error == .illegalGeneration, reason: "encountered \(error.name) from Heartbeat")
            return error == .fencedInstanceId ? .fail : .ignore
        default: return .fail
        }
    }

    /// How a failed commit of this member ends (Kafka's `OffsetCommitResponseHandler`).
    enum CommitReaction: Sendable, Equatable {
        case retry, coordinatorMoved
        /// The partitions may belong to another member now (Kafka's `CommitFailedException`).
        case commitFailed
        /// Finish the rebalance (poll) and commit again.
        case rebalanceInProgress
        case fail
    }

    mutating func commitFailed(_ error: ErrorCode, sent: Generation) -> CommitReaction {
        switch error {
        case .coordinatorLoadInProgress, .unknownTopicOrPartition: return .retry
        case .coordinatorNotAvailable, .notCoordinator, .requestTimedOut: return .coordinatorMoved
        case .rebalanceInProgress:
            requestRejoin("offset commit failed since group is already rebalancing")
            return .rebalanceInProgress
        case .fencedInstanceId:
            if generation == sent { return .fail }
            return state == .preparingRebalance ? .rebalanceInProgress : .commitFailed
        case .unknownMemberId, .illegalGeneration:
            if generation != sent, state == .preparingRebalance { return .rebalanceInProgress }
            reset(keepMemberId: error == .illegalGeneration, reason: "encountered \(error.name) from OffsetCommit")
            return .commitFailed
        default: return .fail
        }
    }

    /// Leaving: whether to send LeaveGroup (a dynamic member that is in the group), then reset.
    mutating func leave(isStatic: Bool) -> String? {
        let send = !isStatic && state != .unjoined && !generation.memberId.isEmpty
        let memberId = generation.memberId
        reset(keepMemberId: false, reason: "consumer pro-actively leaving the group")
        return send ? memberId : nil
    }
}
