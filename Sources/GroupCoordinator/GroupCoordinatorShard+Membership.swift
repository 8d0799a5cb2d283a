import KafkaProtocol

/// A member named in a LeaveGroup (v3+ carries several; v0-2 one, by member id).
public struct LeavingMember: Sendable, Hashable {
    public var memberId: String
    public var groupInstanceId: String?

    public init(memberId: String, groupInstanceId: String? = nil) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
    }
}

extension GroupCoordinatorShard {
    /// Heartbeat (Kafka's `handleHeartbeat`): keeps a member alive, and tells it to rejoin while the
    /// group rebalances (REBALANCE_IN_PROGRESS).
    public mutating func heartbeat(
        groupId: String, memberId: String, groupInstanceId: String?, generationId: Int32, now: Int64
    ) -> ErrorCode {
        guard !groupId.isEmpty else { return .invalidGroupId }
        guard let group = groups[groupId] else { return .unknownMemberId }
        if group.state == .dead { return .coordinatorNotAvailable }
        if let error = validateCurrentMember(group, memberId: memberId, groupInstanceId: groupInstanceId) { return error }
        guard generationId == group.generationId else { return .illegalGeneration }
        switch group.state {
        case .empty: return .unknownMemberId
        case .dead: return .coordinatorNotAvailable
        case .completingRebalance, .stable:
            scheduleHeartbeat(groupId, memberId, now: now)
            return .noError
        case .preparingRebalance:
            scheduleHeartbeat(groupId, memberId, now: now)
            return .rebalanceInProgress
        }
    }

    /// LeaveGroup (Kafka's `handleLeaveGroup`): removes each named member; an empty member id with an
    /// instance id removes that static member (the admin path). Returns the top-level error and one per
    /// member.
    public mutating func leaveGroup(groupId: String, members: [LeavingMember], now: Int64)
        -> (error: ErrorCode, members: [ErrorCode], effects: CoordinatorEffects)
    {
        var effects = CoordinatorEffects()
        guard !groupId.isEmpty else { return (.invalidGroupId, [], effects) }
        guard let group = groups[groupId] else {
            return (.noError, members.map { _ in .unknownMemberId }, effects)
        }
        if group.state == .dead { return (.coordinatorNotAvailable, [], effects) }
        var errors: [ErrorCode] = []
        for leaving in members {
            let current = groups[groupId]!
            if leaving.memberId.isEmpty {
                if let instanceId = leaving.groupInstanceId, let memberId = current.staticMemberId(instanceId) {
                    removeMember(groupId, memberId, now: now, into: &effects)
                    errors.append(.noError)
                } else {
                    errors.append(.unknownMemberId)
                }
            } else if current.pendingMembers[leaving.memberId] != nil {
                groups[groupId]?.pendingMembers[leaving.memberId] = nil
                tryCompleteJoin(groupId, now: now, into: &effects)
                errors.append(.noError)
            } else if let error = validateCurrentMember(current, memberId: leaving.memberId, groupInstanceId: leaving.groupInstanceId) {
                errors.append(error)
            } else {
                removeMember(groupId, leaving.memberId, now: now, into: &effects)
                errors.append(.noError)
            }
        }
        return (.noError, errors, effects)
    }

    /// Fires every deadline due at `now`: joins that complete, pending member ids that lapse, members
    /// whose session expired, members that never sent SyncGroup.
    public mutating func advance(to now: Int64) -> CoordinatorEffects {
        var effects = CoordinatorEffects()
        for groupId in groups.keys.sorted() {
            if let deadline = groups[groupId]?.joinDeadline, deadline <= now {
                joinDeadlinePassed(groupId, now: now, into: &effects)
            }
            for (memberId, deadline) in groups[groupId]?.pendingMembers ?? [:] where deadline <= now {
                groups[groupId]?.pendingMembers[memberId] = nil
                tryCompleteJoin(groupId, now: now, into: &effects)
            }
            for memberId in groups[groupId]?.memberOrder ?? [] {
                guard let member = groups[groupId]?.members[memberId], let deadline = member.heartbeatDeadline, deadline <= now
                else { continue }
                if !member.isNew && (member.isAwaitingJoin || member.isAwaitingSync) {
                    // Waiting on a rebalance counts as alive; the deadline is set again when it completes.
                    groups[groupId]?.members[memberId]?.heartbeatDeadline = nil
                } else {
                    removeMember(groupId, memberId, now: now, into: &effects)
                }
            }
            if let deadline = groups[groupId]?.syncDeadline, deadline <= now { syncDeadlinePassed(groupId, now: now, into: &effects) }
        }
        return effects
    }

    /// Members that never sent their SyncGroup within the rebalance timeout are removed, and the group
    /// rebalances without them.
    private mutating func syncDeadlinePassed(_ groupId: String, now: Int64, into effects: inout CoordinatorEffects) {
        guard let group = groups[groupId] else { return }
        groups[groupId]?.syncDeadline = nil
        guard group.state == .completingRebalance || group.state == .stable, !group.pendingSyncMembers.isEmpty else { return }
        for memberId in group.pendingSyncMembers.sorted() { dropMember(groupId, memberId, into: &effects) }
        prepareRebalance(groupId, now: now, into: &effects)
    }
}
