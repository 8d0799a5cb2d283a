import KafkaProtocol
import KafkaRecords
import NIOCore

/// The records of `__consumer_offsets` in Kafka's formats (`../shared/kafka-protocol/coordinator/`):
/// each key and value is an int16 version followed by the schema's struct. Key versions 0-1 are offset
/// commits, 2 is group metadata; a null value deletes what the key names.
public enum CoordinatorRecords {
    /// The versions Kafka 3.8 writes.
    static let offsetCommitKeyVersion: Int16 = 1
    static let offsetCommitValueVersion: Int16 = 3
    static let groupMetadataKeyVersion: Int16 = 2
    static let groupMetadataValueVersion: Int16 = 3

    /// What a record says, once read.
    public enum Entry: Sendable {
        case offsetCommit(group: String, partition: TopicPartition, offset: CommittedOffset?)
        case groupMetadata(group: String, value: GroupMetadataValue?)
        /// A record type this coordinator does not use (KIP-848 consumer-group records, say): skipped.
        case other(keyVersion: Int16)
    }

    public static func offsetCommit(group: String, partition: TopicPartition, offset: CommittedOffset?) throws -> CoordinatorRecord {
        let key = OffsetCommitKey(group: group, topic: partition.topic, partition: partition.partition)
        guard let offset else { return CoordinatorRecord(key: try encode(key, version: offsetCommitKeyVersion), value: nil) }
        var value = OffsetCommitValue(
            offset: offset.offset, leaderEpoch: offset.leaderEpoch, metadata: offset.metadata, commitTimestamp: offset.commitTimestamp)
        var version = offsetCommitValueVersion
        if let expire = offset.expireTimestamp {
            value.expireTimestamp = expire
            value.leaderEpoch = -1
            version = 1
        }
        return CoordinatorRecord(key: try encode(key, version: offsetCommitKeyVersion), value: try encode(value, version: version))
    }

    public static func groupMetadata(_ group: ClassicGroup, now: Int64) throws -> CoordinatorRecord {
        var value = GroupMetadataValue()
        value.protocolType = group.protocolType ?? ""
        value.generation = group.generationId
        value.`protocol` = group.protocolName
        value.leader = group.leaderId
        value.currentStateTimestamp = now
        value.members = group.orderedMembers.map { member in
            GroupMetadataValue.MemberMetadata(
                memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId,
                clientHost: member.clientHost, rebalanceTimeout: member.rebalanceTimeoutMs, sessionTimeout: member.sessionTimeoutMs,
                subscription: group.protocolName.flatMap { member.metadata(for: $0) } ?? ByteBuffer(), assignment: member.assignment)
        }
        return CoordinatorRecord(
            key: try encode(GroupMetadataKey(group: group.groupId), version: groupMetadataKeyVersion),
            value: try encode(value, version: groupMetadataValueVersion))
    }

    public static func groupTombstone(_ groupId: String) throws -> CoordinatorRecord {
        CoordinatorRecord(key: try encode(GroupMetadataKey(group: groupId), version: groupMetadataKeyVersion), value: nil)
    }

    /// Reads a record; malformed bytes throw (a corrupt offsets log must not be silently misread).
    public static func read(key: ByteBuffer, value: ByteBuffer?) throws -> Entry {
        var keyBytes = key
        guard let keyVersion: Int16 = keyBytes.readInteger() else { throw KafkaCodingError.truncated(what: "coordinator record key") }
        switch keyVersion {
        case 0, 1:
            let key = try OffsetCommitKey(from: &keyBytes, version: keyVersion)
            let partition = TopicPartition(key.topic, key.partition)
            guard var valueBytes = value else { return .offsetCommit(group: key.group, partition: partition, offset: nil) }
            guard let version: Int16 = valueBytes.readInteger() else { throw KafkaCodingError.truncated(what: "offset commit value") }
            let stored = try OffsetCommitValue(from: &valueBytes, version: min(version, OffsetCommitValue.validVersions.upperBound))
            let offset = CommittedOffset(
                offset: stored.offset, leaderEpoch: stored.leaderEpoch, metadata: stored.metadata,
                commitTimestamp: stored.commitTimestamp, expireTimestamp: version == 1 ? stored.expireTimestamp : nil)
            return .offsetCommit(group: key.group, partition: partition, offset: offset)
        case 2:
            let key = try GroupMetadataKey(from: &keyBytes, version: keyVersion)
            guard var valueBytes = value else { return .groupMetadata(group: key.group, value: nil) }
            guard let version: Int16 = valueBytes.readInteger() else { throw KafkaCodingError.truncated(what: "group metadata value") }
            let stored = try GroupMetadataValue(from: &valueBytes, version: min(version, GroupMetadataValue.validVersions.upperBound))
            return .groupMetadata(group: key.group, value: stored)
        default:
            return .other(keyVersion: keyVersion)
        }
    }

    private static func encode(_ message: some KafkaMessage, version: Int16) throws -> ByteBuffer {
        var writer = KafkaWriter(capacity: 64)
        writer.writeInt16(version)
        try message.encode(to: &writer, version: version)
        return writer.buffer
    }
}
