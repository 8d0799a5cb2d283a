import KafkaProtocol
import KafkaRecords
import NIOCore

/// SyncGroup, Heartbeat, LeaveGroup, and error answers for every group API.
extension FakeGroups {
    func syncGroup(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(SyncGroupRequest.self)
        var completions: [Completion] = []
        let reply = try state.withLock { state -> FakeReply in
            guard var group = state.groups[request.groupId] else { return try errorReply(frame, .unknownMemberId) }
            defer { state.groups[request.groupId] = group }
            if group.isFenced(memberId: request.memberId, instanceId: request.groupInstanceId) { return try errorReply(frame, .fencedInstanceId) }
            guard group.members[request.memberId] != nil else { return try errorReply(frame, .unknownMemberId) }
            guard request.generationId == group.generation else { return try errorReply(frame, .illegalGeneration) }
            switch group.phase {
            case .preparingRebalance: return try errorReply(frame, .rebalanceInProgress)
            case .stable: return syncReply(frame, group: group, memberId: request.memberId)
            case .empty, .dead: return try errorReply(frame, .unknownMemberId)
            case .completingRebalance:
                let promise = loop.makePromise(of: FakeReply.self)
                group.members[request.memberId]?.sync = Pending(promise: promise, frame: frame)
                group.members[request.memberId]?.lastSeen = .now()
                guard request.memberId == group.leader else { return .later(promise.futureResult) }
                for id in group.members.keys { group.members[id]?.assignment = ByteBuffer() }
                for entry in request.assignments where group.members[entry.memberId] != nil {
                    group.members[entry.memberId]?.assignment = entry.assignment
                }
                group.phase = .stable
                for (id, member) in group.members {
                    guard let sync = member.sync else { continue }
                    completions.append((sync, syncReply(sync.frame, group: group, memberId: id)))
                    group.members[id]?.sync = nil
                }
                return .later(promise.futureResult)
            }
        }
        for (pending, answer) in completions { pending.promise.succeed(answer) }
        return reply
    }

    private func syncReply(_ frame: KafkaRequestFrame, group: Group, memberId: String) -> FakeReply {
        var response = SyncGroupResponse()
        if frame.apiVersion >= 5 {
            response.protocolType = group.protocolType
            response.protocolName = group.protocolName
        }
        response.assignment = group.members[memberId]?.assignment ?? ByteBuffer()
        return .response(response, to: frame)
    }

    func heartbeat(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(HeartbeatRequest.self)
        let error = state.withLock { state -> ErrorCode in
            guard let group = state.groups[request.groupId] else { return .unknownMemberId }
            if group.isFenced(memberId: request.memberId, instanceId: request.groupInstanceId) { return .fencedInstanceId }
            guard group.members[request.memberId] != nil else { return .unknownMemberId }
            state.groups[request.groupId]?.members[request.memberId]?.lastSeen = .now()
            switch group.phase {
            case .preparingRebalance: return .rebalanceInProgress
            case .completingRebalance, .stable: return request.generationId == group.generation ? .noError : .illegalGeneration
            case .empty, .dead: return .unknownMemberId
            }
        }
        return try errorReply(frame, error)
    }

    func leaveGroup(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(LeaveGroupRequest.self)
        let identities = frame.apiVersion >= 3
            ? request.members.map { ($0.memberId, $0.groupInstanceId) } : [(request.memberId, String?.none)]
        var completions: [Completion] = []
        var response = LeaveGroupResponse()
        state.withLock { state in
            var group = state.groups[request.groupId] ?? Group()
            var removed = false
            for (memberId, instanceId) in identities {
                var error = ErrorCode.noError
                let target = instanceId.flatMap { group.instances[$0] } ?? memberId
                if let instanceId, group.instances[instanceId] == nil {
                    error = .unknownMemberId
                } else if instanceId != nil, !memberId.isEmpty, target != memberId {
                    error = .fencedInstanceId
                } else if group.members[target] == nil {
                    error = .unknownMemberId
                } else {
                    remove(target, from: &group, completions: &completions)
                    removed = true
                }
                if frame.apiVersion >= 3 {
                    response.members.append(.init(memberId: memberId, groupInstanceId: instanceId, errorCode: error.rawValue))
                } else {
                    response.errorCode = error.rawValue
                }
            }
            if removed { completions += afterDeparture(&group, timing: state.timing) }
            if state.groups[request.groupId] != nil || removed { state.groups[request.groupId] = group }
        }
        for (pending, answer) in completions { pending.promise.succeed(answer) }
        return .response(response, to: frame)
    }

    /// The answer of any group API carrying `error` everywhere it can.
    func errorReply(_ frame: KafkaRequestFrame, _ error: ErrorCode) throws -> FakeReply {
        switch frame.apiKey {
        case .joinGroup: return joinError(frame, error)
        case .syncGroup: return .response(SyncGroupResponse(errorCode: error.rawValue), to: frame)
        case .heartbeat: return .response(HeartbeatResponse(errorCode: error.rawValue), to: frame)
        case .leaveGroup: return .response(LeaveGroupResponse(errorCode: error.rawValue), to: frame)
        case .offsetCommit:
            let request = try frame.decode(OffsetCommitRequest.self)
            var response = OffsetCommitResponse()
            response.topics = request.topics.map { topic in
                .init(name: topic.name, partitions: topic.partitions.map { .init(partitionIndex: $0.partitionIndex, errorCode: error.rawValue) })
            }
            return .response(response, to: frame)
        case .offsetFetch:
            var response = OffsetFetchResponse()
            if frame.apiVersion >= 8 {
                let request = try frame.decode(OffsetFetchRequest.self)
                response.groups = request.groups.map { .init(groupId: $0.groupId, topics: [], errorCode: error.rawValue) }
            } else {
                response.errorCode = error.rawValue
            }
            return .response(response, to: frame)
        case .describeGroups:
            let request = try frame.decode(DescribeGroupsRequest.self)
            var response = DescribeGroupsResponse()
            response.groups = request.groups.map { .init(errorCode: error.rawValue, groupId: $0) }
            return .response(response, to: frame)
        case .deleteGroups:
            let request = try frame.decode(DeleteGroupsRequest.self)
            var response = DeleteGroupsResponse()
            response.results = request.groupsNames.map { .init(groupId: $0, errorCode: error.rawValue) }
            return .response(response, to: frame)
        case .offsetDelete: return .response(OffsetDeleteResponse(errorCode: error.rawValue), to: frame)
        default: return .close
        }
    }
}
