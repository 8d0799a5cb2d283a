import KafkaProtocol
import KafkaRecords
import NIOCore

/// OffsetCommit, OffsetFetch, OffsetDelete, ListGroups, DescribeGroups, DeleteGroups.
extension FakeGroups {
    func offsetCommit(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(OffsetCommitRequest.self)
        let error = state.withLock { state -> ErrorCode in
            var group = state.groups[request.groupId] ?? Group()
            if request.generationIdOrMemberEpoch < 0, request.memberId.isEmpty {
                // A simple commit (manual assignment, admin reset): only while the group has no members.
                guard group.members.isEmpty else { return .unknownMemberId }
            } else {
                if group.isFenced(memberId: request.memberId, instanceId: request.groupInstanceId) { return .fencedInstanceId }
                guard group.members[request.memberId] != nil else { return .unknownMemberId }
                guard request.generationIdOrMemberEpoch == group.generation else { return .illegalGeneration }
                if group.phase == .completingRebalance { return .rebalanceInProgress }
            }
            var committed: [TopicPartition: Int64] = [:]
            for topic in request.topics {
                for partition in topic.partitions {
                    let tp = TopicPartition(topic.name, partition.partitionIndex)
                    group.offsets[tp] = (partition.committedOffset, partition.committedMetadata)
                    committed[tp] = partition.committedOffset
                }
            }
            state.groups[request.groupId] = group
            state.commits.append((request.groupId, request.generationIdOrMemberEpoch, request.memberId, committed))
            return .noError
        }
        return try errorReply(frame, error)
    }

    func offsetFetch(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(OffsetFetchRequest.self)
        let groups = state.withLock { $0.groups }
        func answer(_ groupId: String, _ wanted: [(String, [Int32])]?) -> [(String, [(Int32, Int64, String?)])] {
            let offsets = groups[groupId]?.offsets ?? [:]
            let asked = wanted ?? Dictionary(grouping: offsets.keys, by: \.topic).map { ($0.key, $0.value.map(\.partition).sorted()) }
            return asked.map { topic, partitions in
                (topic, partitions.map { p in
                    let entry = offsets[TopicPartition(topic, p)]
                    return (p, entry?.offset ?? -1, entry?.metadata ?? "")
                })
            }
        }
        var response = OffsetFetchResponse()
        if frame.apiVersion >= 8 {
            response.groups = request.groups.map { entry in
                let topics = answer(entry.groupId, entry.topics.map { $0.map { ($0.name, $0.partitionIndexes) } })
                return .init(groupId: entry.groupId, topics: topics.map { name, partitions in
                    .init(name: name, partitions: partitions.map { .init(partitionIndex: $0.0, committedOffset: $0.1, committedLeaderEpoch: -1, metadata: $0.2, errorCode: 0) })
                }, errorCode: 0)
            }
        } else {
            let topics = answer(request.groupId, request.topics.map { $0.map { ($0.name, $0.partitionIndexes) } })
            response.topics = topics.map { name, partitions in
                .init(name: name, partitions: partitions.map { .init(partitionIndex: $0.0, committedOffset: $0.1, committedLeaderEpoch: -1, metadata: $0.2, errorCode: 0) })
            }
        }
        return .response(response, to: frame)
    }

    func offsetDelete(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(OffsetDeleteRequest.self)
        var response = OffsetDeleteResponse()
        state.withLock { state in
            guard var group = state.groups[request.groupId] else {
                response.errorCode = ErrorCode.groupIdNotFound.rawValue
                return
            }
            let subscribed = Set(group.members.values.flatMap { member in
                (try? ConsumerSubscriptionProbe.topics(member.metadata(for: group.protocolName))) ?? []
            })
            response.topics = request.topics.map { topic in
                .init(name: topic.name, partitions: topic.partitions.map { partition in
                    if subscribed.contains(topic.name) {
                        return .init(partitionIndex: partition.partitionIndex, errorCode: ErrorCode.groupSubscribedToTopic.rawValue)
                    }
                    group.offsets[TopicPartition(topic.name, partition.partitionIndex)] = nil
                    return .init(partitionIndex: partition.partitionIndex, errorCode: 0)
                })
            }
            state.groups[request.groupId] = group
        }
        return .response(response, to: frame)
    }

    func listGroups(_ frame: KafkaRequestFrame, broker: Int32, coordinator: Int32) throws -> FakeReply {
        let request = try frame.decode(ListGroupsRequest.self)
        var response = ListGroupsResponse()
        guard broker == coordinator else { return .response(response, to: frame) }
        let groups = state.withLock { $0.groups }
        response.groups = groups.sorted { $0.key < $1.key }
            .filter { request.statesFilter.isEmpty || request.statesFilter.contains($0.value.phase.rawValue) }
            .map { .init(groupId: $0.key, protocolType: $0.value.protocolType ?? "", groupState: $0.value.phase.rawValue, groupType: "classic") }
        return .response(response, to: frame)
    }

    func describeGroups(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(DescribeGroupsRequest.self)
        let groups = state.withLock { $0.groups }
        var response = DescribeGroupsResponse()
        response.groups = request.groups.map { id in
            guard let group = groups[id] else { return .init(errorCode: 0, groupId: id, groupState: "Dead") }
            var described = DescribeGroupsResponse.DescribedGroup()
            described.groupId = id
            described.groupState = group.phase.rawValue
            described.protocolType = group.protocolType ?? ""
            described.protocolData = group.phase == .stable ? group.protocolName ?? "" : ""
            described.members = group.members.values.sorted { $0.joinOrder < $1.joinOrder }.map { member in
                var entry = DescribeGroupsResponse.DescribedGroupMember()
                entry.memberId = member.memberId
                entry.groupInstanceId = member.instanceId
                entry.clientId = member.clientId
                entry.clientHost = "/127.0.0.1"
                if group.phase == .stable {
                    entry.memberMetadata = member.metadata(for: group.protocolName)
                    entry.memberAssignment = member.assignment
                }
                return entry
            }
            return described
        }
        return .response(response, to: frame)
    }

    func deleteGroups(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(DeleteGroupsRequest.self)
        var response = DeleteGroupsResponse()
        state.withLock { state in
            response.results = request.groupsNames.map { id in
                guard let group = state.groups[id] else { return .init(groupId: id, errorCode: ErrorCode.groupIdNotFound.rawValue) }
                guard group.members.isEmpty else { return .init(groupId: id, errorCode: ErrorCode.nonEmptyGroup.rawValue) }
                state.groups[id] = nil
                return .init(groupId: id, errorCode: 0)
            }
        }
        return .response(response, to: frame)
    }
}

/// Reads the topics of a consumer subscription without the client's types (the fake is a broker).
enum ConsumerSubscriptionProbe {
    static func topics(_ metadata: ByteBuffer) throws -> [String] {
        var buffer = metadata
        let version = try buffer.readKafkaInt16()
        return try ConsumerProtocolSubscription(from: &buffer, version: min(max(version, 0), 3)).topics
    }
}
