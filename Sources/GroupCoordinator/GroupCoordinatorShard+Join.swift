import KafkaProtocol
import NIOCore

/// What a JoinGroup carries, whatever its version.
public struct JoinGroupInput: Sendable {
    public var groupId: String
    /// Empty for a member that has no id yet.
    public var memberId: String
    public var groupInstanceId: String?
    /// JoinGroup v4+: a new dynamic member first gets MEMBER_ID_REQUIRED and an id to rejoin with.
    public var requireKnownMemberId: Bool
    public var clientId: String
    public var clientHost: String
    public var rebalanceTimeoutMs: Int32
    public var sessionTimeoutMs: Int32
    public var protocolType: String
    public var protocols: [(name: String, metadata: ByteBuffer)]

    public init(
        groupId: String, memberId: String, groupInstanceId: String? = nil, requireKnownMemberId: Bool, clientId: String,
        clientHost: String, rebalanceTimeoutMs: Int32, sessionTimeoutMs: Int32, protocolType: String,
        protocols: [(name: String, metadata: ByteBuffer)]
    ) {
        self.groupId = groupId
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.requireKnownMemberId = requireKnownMemberId
        self.clientId = clientId
        self.clientHost = clientHost
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.sessionTimeoutMs = sessionTimeoutMs
        self.protocolType = protocolType
        self.protocols = protocols
    }
}

extension GroupCoordinatorShard {
    /// JoinGroup (Kafka's `handleJoinGroup`). The answer for `token` comes in the returned effects, now
    /// or from a later call when the rebalance completes.
    public mutating func joinGroup(_ input: JoinGroupInput, token: RequestToken, now: Int64) -> CoordinatorEffects {
        var effects = CoordinatorEffects()
        func answer(_ memberId: String, _ error: ErrorCode) -> CoordinatorEffects {
            effects.joins.append((token, JoinGroupOutcome(memberId: memberId, error: error)))
            return effects
        }
        guard !input.groupId.isEmpty else { return answer(input.memberId, .invalidGroupId) }
        guard input.sessionTimeoutMs >= config.minSessionTimeoutMs, input.sessionTimeoutMs <= config.maxSessionTimeoutMs else {
            return answer(input.memberId, .invalidSessionTimeout)
        }
        let isUnknown = input.memberId.isEmpty
        if groups[input.groupId] == nil {
            guard isUnknown else { return answer(input.memberId, .unknownMemberId) }
            var group = ClassicGroup(groupId: input.groupId)
            group.stateTimestamp = now
            groups[input.groupId] = group
        }
        guard acceptsJoiningMember(groups[input.groupId]!, input.memberId) else {
            dropMember(input.groupId, input.memberId, into: &effects)
            return answer("", .groupMaxSizeReached)
        }
        if isUnknown {
            joinNewMember(input, token: token, now: now, into: &effects)
        } else {
            joinCurrentMember(input, token: token, now: now, into: &effects)
        }
        tryCompleteJoin(input.groupId, now: now, into: &effects)
        return effects
    }

    /// `group.max.size`: existing members are always accepted; new ones while there is room.
    private func acceptsJoiningMember(_ group: ClassicGroup, _ memberId: String) -> Bool {
        switch group.state {
        case .empty, .dead: true
        case .preparingRebalance: (group.members[memberId]?.isAwaitingJoin ?? false) || group.numAwaitingJoin < config.maxGroupSize
        case .completingRebalance, .stable: group.has(memberId) || group.size < config.maxGroupSize
        }
    }

    private mutating func joinNewMember(_ input: JoinGroupInput, token: RequestToken, now: Int64, into effects: inout CoordinatorEffects) {
        let group = groups[input.groupId]!
        if group.state == .dead { return effects.joins.append((token, JoinGroupOutcome(memberId: "", error: .coordinatorNotAvailable))) }
        guard group.supportsProtocols(type: input.protocolType, names: input.protocols.map(\.name)) else {
            return effects.joins.append((token, JoinGroupOutcome(memberId: "", error: .inconsistentGroupProtocol)))
        }
        let memberId = newMemberId(clientId: input.clientId, groupInstanceId: input.groupInstanceId)
        if let instanceId = input.groupInstanceId {
            if let previous = group.staticMemberId(instanceId) {
                replaceStaticMember(input, previous: previous, new: memberId, token: token, now: now, into: &effects)
            } else {
                addMemberAndRebalance(input, memberId: memberId, token: token, now: now, into: &effects)
            }
        } else if input.requireKnownMemberId {
            // KIP-394: the member must come back with this id, so that a client retrying a lost answer
            // does not leave a ghost member behind.
            groups[input.groupId]?.pendingMembers[memberId] = now + Int64(input.sessionTimeoutMs)
            effects.joins.append((token, JoinGroupOutcome(memberId: memberId, error: .memberIdRequired)))
        } else {
            addMemberAndRebalance(input, memberId: memberId, token: token, now: now, into: &effects)
        }
    }

    private mutating func joinCurrentMember(_ input: JoinGroupInput, token: RequestToken, now: Int64, into effects: inout CoordinatorEffects) {
        let group = groups[input.groupId]!
        let memberId = input.memberId
        if group.state == .dead { return effects.joins.append((token, JoinGroupOutcome(memberId: memberId, error: .coordinatorNotAvailable))) }
        guard group.supportsProtocols(type: input.protocolType, names: input.protocols.map(\.name)) else {
            return effects.joins.append((token, JoinGroupOutcome(memberId: memberId, error: .inconsistentGroupProtocol)))
        }
        if group.pendingMembers[memberId] != nil, input.groupInstanceId == nil {
            return addMemberAndRebalance(input, memberId: memberId, token: token, now: now, into: &effects)
        }
        if let error = validateCurrentMember(group, memberId: memberId, groupInstanceId: input.groupInstanceId) {
            return effects.joins.append((token, JoinGroupOutcome(memberId: memberId, error: error)))
        }
        let member = group.members[memberId]!
        switch group.state {
        case .preparingRebalance:
            updateMemberAndRebalance(input, token: token, now: now, into: &effects)
        case .completingRebalance:
            if member.matches(input.protocols) {
                // Same metadata (it probably lost the answer): the current generation again.
                effects.joins.append((token, currentGeneration(group, for: memberId)))
            } else {
                updateMemberAndRebalance(input, token: token, now: now, into: &effects)
            }
        case .stable:
            // A leader's JoinGroup forces a rebalance (it may see topic changes the metadata does not show).
            if group.isLeader(memberId) || !member.matches(input.protocols) {
                updateMemberAndRebalance(input, token: token, now: now, into: &effects)
            } else {
                effects.joins.append((token, currentGeneration(group, for: memberId, includeMembers: false)))
            }
        case .empty, .dead:
            effects.joins.append((token, JoinGroupOutcome(memberId: memberId, error: .unknownMemberId)))
        }
    }

    /// The answer that describes the current generation: the member list for the leader only.
    func currentGeneration(_ group: ClassicGroup, for memberId: String, includeMembers: Bool = true) -> JoinGroupOutcome {
        let members = includeMembers && group.isLeader(memberId) ? joinedMembers(group) : []
        return JoinGroupOutcome(
            memberId: memberId, generationId: group.generationId, protocolType: group.protocolType,
            protocolName: group.protocolName, leaderId: group.leaderId ?? "", members: members)
    }

    func joinedMembers(_ group: ClassicGroup) -> [JoinedMember] {
        guard let protocolName = group.protocolName else { return [] }
        return group.orderedMembers.map {
            JoinedMember(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, metadata: $0.metadata(for: protocolName) ?? ByteBuffer())
        }
    }

    private mutating func addMemberAndRebalance(
        _ input: JoinGroupInput, memberId: String, token: RequestToken, now: Int64, into effects: inout CoordinatorEffects
    ) {
        var member = GroupMember(
            memberId: memberId, groupInstanceId: input.groupInstanceId, clientId: input.clientId, clientHost: input.clientHost,
            rebalanceTimeoutMs: input.rebalanceTimeoutMs, sessionTimeoutMs: input.sessionTimeoutMs,
            protocolType: input.protocolType, protocols: input.protocols)
        member.isNew = true
        member.awaitingJoin = token
        member.heartbeatDeadline = now + config.newMemberJoinTimeoutMs
        if groups[input.groupId]?.state == .preparingRebalance, groups[input.groupId]?.generationId == 0 {
            groups[input.groupId]?.newMemberAdded = true
        }
        groups[input.groupId]?.add(member)
        maybePrepareRebalance(input.groupId, now: now, into: &effects)
    }

    private mutating func updateMemberAndRebalance(_ input: JoinGroupInput, token: RequestToken, now: Int64, into effects: inout CoordinatorEffects) {
        updateMember(input, memberId: input.memberId, token: token, into: &effects)
        maybePrepareRebalance(input.groupId, now: now, into: &effects)
    }

    /// New protocols and timeouts, and the JoinGroup now waiting. A JoinGroup it replaces is answered
    /// (REBALANCE_IN_PROGRESS) so that no request is left waiting forever.
    mutating func updateMember(_ input: JoinGroupInput, memberId: String, token: RequestToken, into effects: inout CoordinatorEffects) {
        guard var member = groups[input.groupId]?.members[memberId] else { return }
        if let previous = member.awaitingJoin, previous != token {
            effects.joins.append((previous, JoinGroupOutcome(memberId: memberId, error: .rebalanceInProgress)))
        }
        member.protocols = input.protocols
        member.rebalanceTimeoutMs = input.rebalanceTimeoutMs
        member.sessionTimeoutMs = input.sessionTimeoutMs
        member.awaitingJoin = token
        groups[input.groupId]?.members[memberId] = member
    }
}
