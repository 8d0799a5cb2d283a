import KafkaProtocol
import NIOCore

/// What a SyncGroup carries.
public struct SyncGroupInput: Sendable {
    public var groupId: String
    public var generationId: Int32
    public var memberId: String
    public var groupInstanceId: String?
    /// v5+: checked against the group's.
    public var protocolType: String?
    public var protocolName: String?
    /// From the leader: member id → assignment bytes.
    public var assignments: [String: ByteBuffer]

    public init(
        groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil, protocolType: String? = nil,
        protocolName: String? = nil, assignments: [String: ByteBuffer] = [:]
    ) {
        self.groupId = groupId
        self.generationId = generationId
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.assignments = assignments
    }
}

extension GroupCoordinatorShard {
    /// SyncGroup (Kafka's `handleSyncGroup`): members wait for the leader's assignment, which is stored
    /// with the group before anyone gets their share.
    public mutating func syncGroup(_ input: SyncGroupInput, token: RequestToken, now: Int64) -> CoordinatorEffects {
        var effects = CoordinatorEffects()
        func answer(_ error: ErrorCode) -> CoordinatorEffects {
            effects.syncs.append((token, SyncGroupOutcome(error: error)))
            return effects
        }
        guard !input.groupId.isEmpty else { return answer(.invalidGroupId) }
        guard var group = groups[input.groupId] else { return answer(.unknownMemberId) }
        if group.state == .dead { return answer(.coordinatorNotAvailable) }
        if let error = validateCurrentMember(group, memberId: input.memberId, groupInstanceId: input.groupInstanceId) {
            return answer(error)
        }
        guard input.generationId == group.generationId else { return answer(.illegalGeneration) }
        if let type = input.protocolType, type != group.protocolType { return answer(.inconsistentGroupProtocol) }
        if let name = input.protocolName, name != group.protocolName { return answer(.inconsistentGroupProtocol) }
        switch group.state {
        case .empty: return answer(.unknownMemberId)
        case .preparingRebalance: return answer(.rebalanceInProgress)
        case .dead: return answer(.coordinatorNotAvailable)
        case .stable:
            group.pendingSyncMembers.remove(input.memberId)
            if group.pendingSyncMembers.isEmpty { group.syncDeadline = nil }
            groups[input.groupId] = group
            scheduleHeartbeat(input.groupId, input.memberId, now: now)
            effects.syncs.append((
                token,
                SyncGroupOutcome(
                    protocolType: group.protocolType, protocolName: group.protocolName,
                    assignment: group.members[input.memberId]?.assignment ?? ByteBuffer(), error: .noError)
            ))
            return effects
        case .completingRebalance:
            if let previous = group.members[input.memberId]?.awaitingSync, previous != token {
                effects.syncs.append((previous, SyncGroupOutcome(error: .rebalanceInProgress)))
            }
            group.members[input.memberId]?.awaitingSync = token
            group.pendingSyncMembers.remove(input.memberId)
            if group.pendingSyncMembers.isEmpty { group.syncDeadline = nil }
            groups[input.groupId] = group
            if group.isLeader(input.memberId) { completeAssignment(input, now: now, into: &effects) }
            return effects
        }
    }

    /// The leader's assignment arrived: store the group with it (missing members get an empty
    /// assignment), hand every waiting member its share, and go Stable.
    private mutating func completeAssignment(_ input: SyncGroupInput, now: Int64, into effects: inout CoordinatorEffects) {
        guard var group = groups[input.groupId] else { return }
        for memberId in group.memberOrder {
            group.members[memberId]?.assignment = input.assignments[memberId] ?? ByteBuffer()
        }
        group.transition(to: .stable, now: now)
        if let record = try? CoordinatorRecords.groupMetadata(group, now: now) { effects.records.append(record) }
        for memberId in group.memberOrder {
            guard let member = group.members[memberId], let held = member.awaitingSync else { continue }
            effects.syncs.append((
                held,
                SyncGroupOutcome(protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment, error: .noError)
            ))
            group.members[memberId]?.awaitingSync = nil
            group.members[memberId]?.heartbeatDeadline = now + Int64(member.sessionTimeoutMs)
        }
        groups[input.groupId] = group
    }
}
