import KafkaProtocol
import KafkaRecords

/// One partition's offset in an OffsetCommit.
public struct OffsetToCommit: Sendable, Hashable {
    public var partition: TopicPartition
    public var offset: Int64
    public var leaderEpoch: Int32
    public var metadata: String?

    public init(partition: TopicPartition, offset: Int64, leaderEpoch: Int32 = -1, metadata: String? = nil) {
        self.partition = partition
        self.offset = offset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
    }
}

extension GroupCoordinatorShard {
    /// OffsetCommit (Kafka's `handleCommitOffsets`): members of the current generation commit; with
    /// generation -1 and no member id, anyone may commit to an empty (or new) group, as admin tools and
    /// consumers that assign partitions themselves do. Each accepted offset becomes a record; answer
    /// once the records are written. `expireTimestamp` comes from the retention of v2-v4 commits.
    public mutating func commitOffsets(
        groupId: String, memberId: String, groupInstanceId: String?, generationId: Int32, offsets: [OffsetToCommit],
        expireTimestamp: Int64? = nil, now: Int64
    ) -> (errors: [TopicPartition: ErrorCode], records: [CoordinatorRecord]) {
        func all(_ error: ErrorCode) -> ([TopicPartition: ErrorCode], [CoordinatorRecord]) {
            (Dictionary(offsets.map { ($0.partition, error) }, uniquingKeysWith: { $1 }), [])
        }
        guard !groupId.isEmpty else { return all(.invalidGroupId) }
        if groups[groupId] == nil {
            guard generationId < 0 else { return all(.illegalGeneration) }
            var group = ClassicGroup(groupId: groupId)
            group.stateTimestamp = now
            groups[groupId] = group
        }
        let group = groups[groupId]!
        if let error = validateCommit(group, memberId: memberId, groupInstanceId: groupInstanceId, generationId: generationId) {
            return all(error)
        }
        switch group.state {
        case .completingRebalance: return all(.rebalanceInProgress)
        case .dead: return all(.coordinatorNotAvailable)
        case .stable, .preparingRebalance: scheduleHeartbeat(groupId, memberId, now: now)
        case .empty: break
        }
        var errors: [TopicPartition: ErrorCode] = [:]
        var records: [CoordinatorRecord] = []
        for commit in offsets {
            let metadata = commit.metadata ?? ""
            guard metadata.utf8.count <= config.offsetMetadataMaxBytes else {
                errors[commit.partition] = .offsetMetadataTooLarge
                continue
            }
            let committed = CommittedOffset(
                offset: commit.offset, leaderEpoch: commit.leaderEpoch, metadata: metadata, commitTimestamp: now,
                expireTimestamp: expireTimestamp)
            guard let record = try? CoordinatorRecords.offsetCommit(group: groupId, partition: commit.partition, offset: committed)
            else {
                errors[commit.partition] = .unknownServerError
                continue
            }
            records.append(record)
            groups[groupId]?.offsets[commit.partition] = committed
            errors[commit.partition] = .noError
        }
        return (errors, records)
    }

    /// Kafka's `validateOffsetCommit`.
    private func validateCommit(_ group: ClassicGroup, memberId: String, groupInstanceId: String?, generationId: Int32) -> ErrorCode? {
        if group.state == .dead { return .coordinatorNotAvailable }
        if generationId < 0 && group.state == .empty { return nil }
        if generationId >= 0 || !memberId.isEmpty || groupInstanceId != nil {
            if let error = validateCurrentMember(group, memberId: memberId, groupInstanceId: groupInstanceId) { return error }
            return generationId == group.generationId ? nil : .illegalGeneration
        }
        return group.state == .empty ? nil : .unknownMemberId
    }

    /// OffsetFetch: the committed offsets of `partitions`, or of every partition when nil. An unknown
    /// group has no offsets (not an error, as in Kafka).
    public func fetchOffsets(groupId: String, partitions: [TopicPartition]?) -> [(TopicPartition, CommittedOffset?)] {
        let offsets = groups[groupId]?.offsets ?? [:]
        guard let partitions else { return offsets.keys.sorted().map { ($0, offsets[$0]) } }
        return partitions.map { ($0, offsets[$0]) }
    }

    /// OffsetDelete (Kafka's `handleDeleteOffsets`): only partitions of topics the group does not consume
    /// (GROUP_SUBSCRIBED_TO_TOPIC otherwise); a non-consumer group must be empty.
    public mutating func deleteOffsets(groupId: String, partitions: [TopicPartition])
        -> (error: ErrorCode, partitions: [TopicPartition: ErrorCode], records: [CoordinatorRecord])
    {
        guard !groupId.isEmpty else { return (.invalidGroupId, [:], []) }
        guard let group = groups[groupId], group.state != .dead else { return (.groupIdNotFound, [:], []) }
        var deletable = partitions
        var errors: [TopicPartition: ErrorCode] = [:]
        if group.state != .empty {
            guard group.protocolType == ConsumerSubscription.protocolType else { return (.nonEmptyGroup, [:], []) }
            let subscribed = group.subscribedTopics() ?? []
            deletable = partitions.filter { !subscribed.contains($0.topic) }
            for partition in partitions where subscribed.contains(partition.topic) { errors[partition] = .groupSubscribedToTopic }
        }
        var records: [CoordinatorRecord] = []
        for partition in deletable {
            errors[partition] = .noError
            guard groups[groupId]?.offsets.removeValue(forKey: partition) != nil else { continue }
            if let record = try? CoordinatorRecords.offsetCommit(group: groupId, partition: partition, offset: nil) {
                records.append(record)
            }
        }
        return (.noError, errors, records)
    }

    /// Expires offsets as Kafka does (KIP-211): an empty group's offsets once the group has been empty
    /// for `offsets.retention.minutes`; a stable consumer group's offsets of topics it no longer
    /// subscribes to; a group without a protocol (commits only) by commit time. An empty group left with
    /// no offsets is deleted.
    public mutating func expireOffsets(now: Int64) -> [CoordinatorRecord] {
        var records: [CoordinatorRecord] = []
        for groupId in groups.keys.sorted() {
            guard let group = groups[groupId] else { continue }
            let retention = config.offsetsRetentionMs
            func expired(_ since: (CommittedOffset) -> Int64, keeping topics: Set<String> = []) -> [TopicPartition] {
                group.offsets.filter { partition, offset in
                    guard !topics.contains(partition.topic) else { return false }
                    if let expire = offset.expireTimestamp { return now >= expire }
                    return now - since(offset) >= retention
                }.map(\.key)
            }
            let doomed: [TopicPartition]
            switch (group.protocolType, group.state) {
            case (_?, .empty): doomed = expired { _ in group.stateTimestamp }
            case (ConsumerSubscription.protocolType?, .stable):
                guard let topics = group.subscribedTopics() else { continue }
                doomed = expired({ $0.commitTimestamp }, keeping: topics)
            case (nil, _): doomed = expired { $0.commitTimestamp }
            default: doomed = []
            }
            for partition in doomed.sorted() {
                groups[groupId]?.offsets[partition] = nil
                if let record = try? CoordinatorRecords.offsetCommit(group: groupId, partition: partition, offset: nil) {
                    records.append(record)
                }
            }
            if let current = groups[groupId], current.state == .empty, current.offsets.isEmpty {
                groups[groupId] = nil
                if let record = try? CoordinatorRecords.groupTombstone(groupId) { records.append(record) }
            }
        }
        return records
    }
}
