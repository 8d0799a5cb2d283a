import KafkaProtocol
import NIOCore

extension GroupCoordinatorShard {
    /// Starts a rebalance when the state allows one (Kafka's `maybePrepareRebalance`).
    mutating func maybePrepareRebalance(_ groupId: String, now: Int64, into effects: inout CoordinatorEffects) {
        guard groups[groupId]?.canRebalance == true else { return }
        prepareRebalance(groupId, now: now, into: &effects)
    }

    /// Enters PreparingRebalance. A new group (from Empty) waits `group.initial.rebalance.delay.ms` for
    /// more members, extended while members keep arriving (up to the rebalance timeout); otherwise the
    /// members have the rebalance timeout to rejoin, and the join completes at once when they all
    /// already have (so the last member leaving makes the group Empty immediately, as in Kafka's
    /// `maybeCompleteJoinElseSchedule`).
    mutating func prepareRebalance(_ groupId: String, now: Int64, into effects: inout CoordinatorEffects) {
        guard var group = groups[groupId] else { return }
        if group.state == .completingRebalance { failPendingSyncs(&group, .rebalanceInProgress, into: &effects) }
        group.pendingSyncMembers.removeAll()
        group.syncDeadline = nil
        if group.state == .empty {
            let delay = config.initialRebalanceDelayMs
            group.initialDelay = (delay, max(group.rebalanceTimeoutMs - delay, 0))
            group.joinDeadline = now + delay
        } else {
            group.initialDelay = nil
            group.joinDeadline = now + group.rebalanceTimeoutMs
        }
        group.transition(to: .preparingRebalance, now: now)
        groups[groupId] = group
        tryCompleteJoin(groupId, now: now, into: &effects)
    }

    /// Clears assignments and answers every held SyncGroup with `error`.
    func failPendingSyncs(_ group: inout ClassicGroup, _ error: ErrorCode, into effects: inout CoordinatorEffects) {
        for memberId in group.memberOrder {
            group.members[memberId]?.assignment = ByteBuffer()
            if let token = group.members[memberId]?.awaitingSync {
                effects.syncs.append((token, SyncGroupOutcome(error: error)))
                group.members[memberId]?.awaitingSync = nil
            }
        }
    }

    /// Completes the join phase early when everyone has rejoined (not during a new group's initial delay).
    mutating func tryCompleteJoin(_ groupId: String, now: Int64, into effects: inout CoordinatorEffects) {
        guard let group = groups[groupId], group.state == .preparingRebalance, group.initialDelay == nil,
            group.hasAllMembersJoined
        else { return }
        completeJoin(groupId, now: now, into: &effects)
    }

    /// The join deadline passed: extend a new group's initial delay if members arrived meanwhile, else
    /// complete the join with whoever rejoined.
    mutating func joinDeadlinePassed(_ groupId: String, now: Int64, into effects: inout CoordinatorEffects) {
        guard var group = groups[groupId], group.state == .preparingRebalance else {
            groups[groupId]?.joinDeadline = nil
            return
        }
        if let initial = group.initialDelay {
            if group.newMemberAdded && initial.remaining != 0 {
                group.newMemberAdded = false
                let delay = min(config.initialRebalanceDelayMs, initial.remaining)
                group.initialDelay = (delay, max(initial.remaining - initial.delay, 0))
                group.joinDeadline = now + delay
                groups[groupId] = group
                return
            }
            group.initialDelay = nil
            groups[groupId] = group
        }
        completeJoin(groupId, now: now, into: &effects)
    }

    /// Kafka's `onCompleteJoin`: dynamic members that did not rejoin leave; the group gets its next
    /// generation with a leader and a protocol, and every waiting JoinGroup is answered (the leader with
    /// all members' metadata). With no members the group goes Empty and that is stored.
    mutating func completeJoin(_ groupId: String, now: Int64, into effects: inout CoordinatorEffects) {
        guard var group = groups[groupId] else { return }
        for member in group.orderedMembers where !member.isAwaitingJoin && !member.isStatic {
            group.remove(member.memberId)
        }
        guard group.state != .dead else { return }
        if !electJoinedLeader(&group) && !group.members.isEmpty {
            // Nobody rejoined: wait another rebalance timeout for session timeouts to clear them out.
            group.joinDeadline = now + group.rebalanceTimeoutMs
            groups[groupId] = group
            return
        }
        group.generationId += 1
        effects.rebalancesCompleted += 1
        group.joinDeadline = nil
        group.initialDelay = nil
        group.pendingSyncMembers.removeAll()
        if group.members.isEmpty {
            group.protocolName = nil
            group.transition(to: .empty, now: now)
            groups[groupId] = group
            if let record = try? CoordinatorRecords.groupMetadata(group, now: now) { effects.records.append(record) }
            return
        }
        group.protocolName = group.selectProtocol()
        group.transition(to: .completingRebalance, now: now)
        let members = joinedMembers(group)
        for memberId in group.memberOrder {
            // Every member must now sync, including a static one that did not rejoin (it keeps its place).
            guard var member = group.members[memberId] else { continue }
            if let token = member.awaitingJoin {
                var answer = currentGeneration(group, for: memberId, includeMembers: false)
                if group.isLeader(memberId) { answer.members = members }
                effects.joins.append((token, answer))
            }
            member.awaitingJoin = nil
            member.isNew = false
            member.heartbeatDeadline = now + Int64(member.sessionTimeoutMs)
            group.members[memberId] = member
            group.pendingSyncMembers.insert(memberId)
        }
        group.syncDeadline = now + group.rebalanceTimeoutMs
        groups[groupId] = group
    }

    /// Keeps the leader if it rejoined, else makes any rejoined member the leader; false when nobody
    /// rejoined (or the group is empty).
    private func electJoinedLeader(_ group: inout ClassicGroup) -> Bool {
        guard let leader = group.leaderId, let current = group.members[leader] else { return false }
        if current.isAwaitingJoin { return true }
        guard let joined = group.orderedMembers.first(where: \.isAwaitingJoin) else { return false }
        group.leaderId = joined.memberId
        return true
    }

    /// Removes a member and answers its held requests (UNKNOWN_MEMBER_ID for a JoinGroup, so a live
    /// client rejoins), then lets the group react (Kafka's `removeMemberAndUpdateGroup`).
    mutating func removeMember(_ groupId: String, _ memberId: String, now: Int64, into effects: inout CoordinatorEffects) {
        dropMember(groupId, memberId, into: &effects)
        switch groups[groupId]?.state {
        case .stable?, .completingRebalance?: maybePrepareRebalance(groupId, now: now, into: &effects)
        case .preparingRebalance?: tryCompleteJoin(groupId, now: now, into: &effects)
        default: break
        }
    }

    /// Removes a member (or a pending member id) without further consequences, answering its held requests.
    mutating func dropMember(_ groupId: String, _ memberId: String, into effects: inout CoordinatorEffects) {
        guard !memberId.isEmpty, var group = groups[groupId] else { return }
        if let member = group.members[memberId] {
            if let token = member.awaitingJoin { effects.joins.append((token, JoinGroupOutcome(memberId: "", error: .unknownMemberId))) }
            if let token = member.awaitingSync { effects.syncs.append((token, SyncGroupOutcome(error: .rebalanceInProgress))) }
        }
        group.remove(memberId)
        if group.pendingSyncMembers.isEmpty { group.syncDeadline = nil }
        groups[groupId] = group
    }

    /// A returning static member takes a new member id and fences the old one (KIP-345). In a Stable
    /// group whose protocol stays the same, it gets the current generation back without a rebalance
    /// (after the group is stored with its new id).
    mutating func replaceStaticMember(
        _ input: JoinGroupInput, previous: String, new memberId: String, token: RequestToken, now: Int64,
        into effects: inout CoordinatorEffects
    ) {
        guard var group = groups[input.groupId], var member = group.members.removeValue(forKey: previous) else { return }
        if let held = member.awaitingJoin { effects.joins.append((held, JoinGroupOutcome(memberId: previous, error: .fencedInstanceId))) }
        if let held = member.awaitingSync { effects.syncs.append((held, SyncGroupOutcome(error: .fencedInstanceId))) }
        member.awaitingJoin = nil
        member.awaitingSync = nil
        let previousLeader = group.leaderId
        member.memberId = memberId
        group.members[memberId] = member
        group.memberOrder = group.memberOrder.map { $0 == previous ? memberId : $0 }
        if group.leaderId == previous { group.leaderId = memberId }
        if group.pendingSyncMembers.remove(previous) != nil { group.pendingSyncMembers.insert(memberId) }
        group.staticMembers[input.groupInstanceId!] = memberId
        groups[input.groupId] = group
        scheduleHeartbeat(input.groupId, memberId, now: now)
        updateMember(input, memberId: memberId, token: token, into: &effects)
        switch group.state {
        case .stable:
            guard groups[input.groupId]?.selectProtocol() == group.protocolName else {
                return maybePrepareRebalance(input.groupId, now: now, into: &effects)
            }
            let stored = groups[input.groupId]!
            if let record = try? CoordinatorRecords.groupMetadata(stored, now: now) { effects.records.append(record) }
            groups[input.groupId]?.members[memberId]?.awaitingJoin = nil
            effects.joins.append((
                token,
                JoinGroupOutcome(
                    memberId: memberId, generationId: stored.generationId, protocolType: stored.protocolType,
                    protocolName: stored.protocolName, leaderId: previousLeader ?? "", members: [])
            ))
        case .completingRebalance:
            prepareRebalance(input.groupId, now: now, into: &effects)
        case .preparingRebalance:
            break
        case .empty, .dead:
            groups[input.groupId]?.members[memberId]?.awaitingJoin = nil
            effects.joins.append((token, JoinGroupOutcome(memberId: memberId, error: .unknownMemberId)))
        }
    }
}
