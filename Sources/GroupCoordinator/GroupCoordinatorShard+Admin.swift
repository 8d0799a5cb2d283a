import KafkaProtocol
import NIOCore

/// A group as DescribeGroups shows it (Kafka's `GroupSummary`).
public struct GroupDescription: Sendable, Hashable {
    public var groupId: String
    public var state: GroupState
    public var protocolType: String
    /// The chosen protocol, only while Stable.
    public var protocolName: String
    public var members: [MemberDescription]
}

/// A member as DescribeGroups shows it: metadata and assignment only while the group is Stable.
public struct MemberDescription: Sendable, Hashable {
    public var memberId: String
    public var groupInstanceId: String?
    public var clientId: String
    public var clientHost: String
    public var metadata: ByteBuffer
    public var assignment: ByteBuffer
}

/// A group as ListGroups shows it.
public struct GroupOverview: Sendable, Hashable {
    public var groupId: String
    public var protocolType: String
    public var state: GroupState
}

extension GroupCoordinatorShard {
    /// DescribeGroups: an unknown group is reported Dead with no error, as Kafka does.
    public func describeGroup(_ groupId: String) -> GroupDescription {
        guard let group = groups[groupId] else {
            return GroupDescription(groupId: groupId, state: .dead, protocolType: "", protocolName: "", members: [])
        }
        let stable = group.state == .stable
        let protocolName = stable ? group.protocolName ?? "" : ""
        return GroupDescription(
            groupId: groupId, state: group.state, protocolType: group.protocolType ?? "", protocolName: protocolName,
            members: group.orderedMembers.map { member in
                MemberDescription(
                    memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId,
                    clientHost: member.clientHost, metadata: stable ? member.metadata(for: protocolName) ?? ByteBuffer() : ByteBuffer(),
                    assignment: stable ? member.assignment : ByteBuffer())
            })
    }

    /// ListGroups, filtered by state names (case-insensitive, v4+).
    public func listGroups(states: [String]) -> [GroupOverview] {
        let wanted = Set(states.map { $0.lowercased() })
        return groups.values.filter { wanted.isEmpty || wanted.contains($0.state.rawValue.lowercased()) }
            .map { GroupOverview(groupId: $0.groupId, protocolType: $0.protocolType ?? "", state: $0.state) }
            .sorted { $0.groupId < $1.groupId }
    }

    /// DeleteGroups: only empty groups (NON_EMPTY_GROUP otherwise); their offsets and metadata are
    /// deleted with tombstones.
    public mutating func deleteGroup(_ groupId: String) -> (error: ErrorCode, records: [CoordinatorRecord]) {
        guard !groupId.isEmpty else { return (.invalidGroupId, []) }
        guard let group = groups[groupId], group.state != .dead else { return (.groupIdNotFound, []) }
        guard group.state == .empty else { return (.nonEmptyGroup, []) }
        var records: [CoordinatorRecord] = []
        for partition in group.offsets.keys.sorted() {
            if let record = try? CoordinatorRecords.offsetCommit(group: groupId, partition: partition, offset: nil) { records.append(record) }
        }
        if let record = try? CoordinatorRecords.groupTombstone(groupId) { records.append(record) }
        groups[groupId] = nil
        return (.noError, records)
    }
}
