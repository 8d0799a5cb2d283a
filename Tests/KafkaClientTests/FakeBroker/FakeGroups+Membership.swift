import KafkaProtocol
import KafkaRecords
import NIOCore

/// JoinGroup, SyncGroup, Heartbeat, LeaveGroup and the rebalance itself.
extension FakeGroups {
    typealias Completion = (Pending, FakeReply)

    func joinGroup(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(JoinGroupRequest.self)
        var completions: [Completion] = []
        let reply = state.withLock { state -> FakeReply in
            var group = state.groups[request.groupId] ?? Group()
            defer { state.groups[request.groupId] = group }
            let names = Set(request.protocols.map(\.name))
            if !group.members.isEmpty,
                group.protocolType != request.protocolType || !group.members.values.allSatisfy({ !names.isDisjoint(with: $0.protocols.map(\.name)) })
            {
                return joinError(frame, .inconsistentGroupProtocol)
            }
            var memberId = request.memberId
            if memberId.isEmpty {
                if let instance = request.groupInstanceId, let old = group.instances[instance], var member = group.members[old] {
                    // A static member restarted: it takes over its old identity under a new member id.
                    memberId = nextMemberId(frame.header.clientId ?? "client", in: &state)
                    group.members[old] = nil
                    for pending in [member.join, member.sync].compactMap({ $0 }) {
                        completions.append((pending, (try? errorReply(pending.frame, .fencedInstanceId)) ?? .close))
                    }
                    member.join = nil
                    member.sync = nil
                    member.memberId = memberId
                    group.instances[instance] = memberId
                    if group.leader == old { group.leader = memberId }
                    member.protocols = request.protocols.map { ($0.name, $0.metadata) }
                    member.lastSeen = .now()
                    group.members[memberId] = member
                    if group.phase == .stable, group.leader != memberId {
                        return joinReply(frame, group: group, memberId: memberId, leaderView: false)
                    }
                } else if frame.apiVersion >= 4, request.groupInstanceId == nil {
                    memberId = nextMemberId(frame.header.clientId ?? "client", in: &state)
                    group.pendingMemberIds.insert(memberId)
                    var response = JoinGroupResponse()
                    response.errorCode = ErrorCode.memberIdRequired.rawValue
                    response.memberId = memberId
                    return .response(response, to: frame)
                } else {
                    memberId = nextMemberId(frame.header.clientId ?? "client", in: &state)
                }
            } else if group.isFenced(memberId: memberId, instanceId: request.groupInstanceId) {
                return joinError(frame, .fencedInstanceId)
            } else if group.members[memberId] == nil, !group.pendingMemberIds.contains(memberId) {
                return joinError(frame, .unknownMemberId)
            }
            group.pendingMemberIds.remove(memberId)
            var member = group.members[memberId] ?? Member(
                memberId: memberId, instanceId: request.groupInstanceId, clientId: frame.header.clientId ?? "",
                sessionTimeout: .milliseconds(Int64(request.sessionTimeoutMs)),
                rebalanceTimeout: .milliseconds(Int64(max(request.rebalanceTimeoutMs, request.sessionTimeoutMs))), protocols: [],
                joinOrder: state.nextMember)
            if let previous = member.join { completions.append((previous, joinError(previous.frame, .unknownMemberId))) }
            member.protocols = request.protocols.map { ($0.name, $0.metadata) }
            let promise = loop.makePromise(of: FakeReply.self)
            member.join = Pending(promise: promise, frame: frame)
            member.lastSeen = .now()
            group.members[memberId] = member
            if let instance = request.groupInstanceId { group.instances[instance] = memberId }
            group.protocolType = request.protocolType
            if group.phase != .preparingRebalance { completions += prepareRebalance(&group, timing: state.timing) }
            completions += completeJoinIfReady(&group)
            return .later(promise.futureResult)
        }
        for (pending, answer) in completions { pending.promise.succeed(answer) }
        return reply
    }

    /// Starts a rebalance: pending syncs get REBALANCE_IN_PROGRESS; members have until the deadline to
    /// rejoin (the initial rebalance of an empty group waits `initialRebalanceDelay` for more members).
    func prepareRebalance(_ group: inout Group, timing: Timing) -> [Completion] {
        var completions: [Completion] = []
        for (id, member) in group.members {
            if let sync = member.sync { completions.append((sync, (try? errorReply(sync.frame, .rebalanceInProgress)) ?? .close)) }
            group.members[id]?.sync = nil
        }
        let initial = group.phase == .empty
        group.phase = .preparingRebalance
        let longest = group.members.values.map(\.rebalanceTimeout).max() ?? timing.maxRebalanceWait
        group.rebalanceDeadline = .now() + (initial ? timing.initialRebalanceDelay : min(longest, timing.maxRebalanceWait))
        group.initialJoin = initial
        return completions
    }

    /// Completes the join phase when every member rejoined, or at the deadline without the others.
    func completeJoinIfReady(_ group: inout Group, now: NIODeadline = .now()) -> [Completion] {
        guard group.phase == .preparingRebalance, let deadline = group.rebalanceDeadline else { return [] }
        let due = deadline <= now
        let allJoined = group.members.values.allSatisfy { $0.join != nil }
        guard due || (allJoined && !group.initialJoin) else { return [] }
        for (id, member) in group.members where member.join == nil {
            group.members[id] = nil
            if let instance = member.instanceId, group.instances[instance] == id { group.instances[instance] = nil }
        }
        group.generation += 1
        group.rebalanceDeadline = nil
        group.initialJoin = false
        guard !group.members.isEmpty else {
            group.phase = .empty
            group.leader = nil
            group.protocolName = nil
            return []
        }
        group.protocolName = Self.selectProtocol(group.members.values.map { $0.protocols.map(\.name) })
        if group.leader.map({ group.members[$0] == nil }) ?? true {
            group.leader = group.members.values.min { $0.joinOrder < $1.joinOrder }?.memberId
        }
        group.phase = .completingRebalance
        var completions: [Completion] = []
        for (id, member) in group.members {
            guard let join = member.join else { continue }
            completions.append((join, joinReply(join.frame, group: group, memberId: id, leaderView: id == group.leader)))
            group.members[id]?.join = nil
            group.members[id]?.lastSeen = now
        }
        return completions
    }

    /// Kafka's vote: among the protocols every member supports, each member votes for its first.
    static func selectProtocol(_ preferences: [[String]]) -> String? {
        guard var common = preferences.first.map(Set.init) else { return nil }
        for list in preferences.dropFirst() { common.formIntersection(list) }
        var votes: [String: Int] = [:]
        for list in preferences { if let choice = list.first(where: common.contains) { votes[choice, default: 0] += 1 } }
        let ordered = preferences.first?.filter(common.contains) ?? []
        return ordered.max { (votes[$0] ?? 0) < (votes[$1] ?? 0) }
    }

    func joinReply(_ frame: KafkaRequestFrame, group: Group, memberId: String, leaderView: Bool) -> FakeReply {
        var response = JoinGroupResponse()
        response.generationId = group.generation
        response.protocolType = group.protocolType
        response.protocolName = group.protocolName
        response.leader = group.leader ?? ""
        response.memberId = memberId
        if leaderView {
            response.members = group.members.values.sorted { $0.joinOrder < $1.joinOrder }.map {
                .init(memberId: $0.memberId, groupInstanceId: frame.apiVersion >= 5 ? $0.instanceId : nil, metadata: $0.metadata(for: group.protocolName))
            }
        }
        return .response(response, to: frame)
    }

    func joinError(_ frame: KafkaRequestFrame, _ error: ErrorCode) -> FakeReply {
        var response = JoinGroupResponse()
        response.errorCode = error.rawValue
        return .response(response, to: frame)
    }

    /// Session timeouts and rebalance deadlines.
    func sweep() {
        var completions: [Completion] = []
        state.withLock { state in
            let now = NIODeadline.now()
            for name in state.groups.keys {
                guard var group = state.groups[name] else { continue }
                if group.phase == .stable || group.phase == .completingRebalance {
                    let expired = group.members.values.filter { $0.join == nil && $0.lastSeen + $0.sessionTimeout < now }
                    if !expired.isEmpty {
                        for member in expired { remove(member.memberId, from: &group, completions: &completions) }
                        completions += afterDeparture(&group, timing: state.timing)
                    }
                }
                completions += completeJoinIfReady(&group, now: now)
                state.groups[name] = group
            }
        }
        for (pending, answer) in completions { pending.promise.succeed(answer) }
    }

    func remove(_ memberId: String, from group: inout Group, completions: inout [Completion]) {
        guard let member = group.members.removeValue(forKey: memberId) else { return }
        if let instance = member.instanceId, group.instances[instance] == memberId { group.instances[instance] = nil }
        for pending in [member.join, member.sync].compactMap({ $0 }) {
            completions.append((pending, (try? errorReply(pending.frame, .unknownMemberId)) ?? .close))
        }
    }

    /// After members left: an empty group is Empty (next generation), else it rebalances.
    func afterDeparture(_ group: inout Group, timing: Timing) -> [Completion] {
        if group.members.isEmpty {
            group.phase = .empty
            group.generation += 1
            group.leader = nil
            group.protocolName = nil
            return []
        }
        var completions = group.phase == .preparingRebalance ? [] : prepareRebalance(&group, timing: timing)
        completions += completeJoinIfReady(&group)
        return completions
    }
}
