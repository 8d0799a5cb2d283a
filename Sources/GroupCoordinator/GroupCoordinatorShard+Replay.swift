import KafkaProtocol
import KafkaRecords
import NIOCore

extension GroupCoordinatorShard {
    /// Applies one record of the partition while loading it (after a start or when this broker becomes
    /// the partition's leader): the last record of each key wins, a tombstone deletes.
    public mutating func replay(key: ByteBuffer, value: ByteBuffer?) throws {
        switch try CoordinatorRecords.read(key: key, value: value) {
        case .offsetCommit(let groupId, let partition, let offset):
            if groups[groupId] == nil {
                guard offset != nil else { return }
                groups[groupId] = ClassicGroup(groupId: groupId)
            }
            groups[groupId]?.offsets[partition] = offset
            if let group = groups[groupId], group.offsets.isEmpty, group.members.isEmpty, group.protocolType == nil {
                groups[groupId] = nil
            }
        case .groupMetadata(let groupId, let value):
            guard let value else {
                groups[groupId] = nil
                return
            }
            var group = ClassicGroup(groupId: groupId)
            group.offsets = groups[groupId]?.offsets ?? [:]
            group.protocolType = value.protocolType.isEmpty ? nil : value.protocolType
            group.generationId = value.generation
            group.protocolName = value.`protocol`
            group.leaderId = value.leader
            group.stateTimestamp = value.currentStateTimestamp
            for stored in value.members {
                var member = GroupMember(
                    memberId: stored.memberId, groupInstanceId: stored.groupInstanceId, clientId: stored.clientId,
                    clientHost: stored.clientHost, rebalanceTimeoutMs: stored.rebalanceTimeout == -1 ? stored.sessionTimeout : stored.rebalanceTimeout,
                    sessionTimeoutMs: stored.sessionTimeout, protocolType: value.protocolType,
                    protocols: [(value.`protocol` ?? "", stored.subscription)])
                member.assignment = stored.assignment
                group.add(member)
            }
            group.leaderId = value.leader.flatMap { group.has($0) ? $0 : nil } ?? group.memberOrder.first
            group.state = group.members.isEmpty ? .empty : .stable
            groups[groupId] = group
        case .other:
            break
        }
    }

    /// Call once the partition is loaded: loaded members must heartbeat within their session timeout.
    public mutating func finishLoading(now: Int64) {
        for groupId in groups.keys {
            for memberId in groups[groupId]?.memberOrder ?? [] { scheduleHeartbeat(groupId, memberId, now: now) }
        }
    }
}
