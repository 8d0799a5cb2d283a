import KafkaProtocol
import KafkaRecords

/// A committed offset: the offset of the next record to consume, with the leader epoch of the last
/// consumed record (if known) and free-form metadata, as Kafka's `OffsetAndMetadata`.
public struct OffsetAndMetadata: Sendable, Hashable, CustomStringConvertible {
    public var offset: Int64
    public var leaderEpoch: Int32?
    public var metadata: String

    public init(offset: Int64, leaderEpoch: Int32? = nil, metadata: String = "") {
        self.offset = offset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
    }

    public var description: String { "\(offset)" }
}

/// OffsetCommit and OffsetFetch requests and responses across their versions, shared by the consumer
/// and the admin client.
enum OffsetExchange {
    /// Who commits: a group member (generation and member id, plus `group.instance.id` from v7), or
    /// nobody in particular (generation -1, empty member id: manual assignment, admin offset resets).
    struct Committer: Sendable, Equatable {
        var generationId: Int32 = -1
        var memberId: String = ""
        var groupInstanceId: String?

        static let none = Committer()
    }

    static func commitRequest(
        group: String, offsets: [TopicPartition: OffsetAndMetadata], committer: Committer, version: Int16
    ) -> OffsetCommitRequest {
        var request = OffsetCommitRequest()
        request.groupId = group
        request.generationIdOrMemberEpoch = committer.generationId
        request.memberId = committer.memberId
        if version >= 7 { request.groupInstanceId = committer.groupInstanceId }
        let byTopic = Dictionary(grouping: offsets, by: { $0.key.topic })
        request.topics = byTopic.keys.sorted().map { topic in
            .init(name: topic, partitions: (byTopic[topic] ?? []).sorted { $0.key.partition < $1.key.partition }.map { tp, value in
                var partition = OffsetCommitRequest.OffsetCommitRequestPartition()
                partition.partitionIndex = tp.partition
                partition.committedOffset = value.offset
                partition.committedLeaderEpoch = value.leaderEpoch ?? -1
                partition.committedMetadata = value.metadata
                return partition
            })
        }
        return request
    }

    /// Per-partition errors of an OffsetCommit response (only the failed partitions).
    static func commitErrors(_ response: OffsetCommitResponse) -> [TopicPartition: ErrorCode] {
        var errors: [TopicPartition: ErrorCode] = [:]
        for topic in response.topics {
            for partition in topic.partitions where partition.errorCode != 0 {
                errors[TopicPartition(topic.name, partition.partitionIndex)] = ErrorCode(partition.errorCode)
            }
        }
        return errors
    }

    /// OffsetFetch for one group; `partitions` nil asks for every partition the group committed
    /// (v2+). From v8 the group goes in the `groups` array.
    static func fetchRequest(
        group: String, partitions: [TopicPartition]?, version: Int16, requireStable: Bool
    ) throws(KafkaClientError) -> OffsetFetchRequest {
        if partitions == nil, version < 2 {
            throw KafkaClientError(.unsupportedVersion, "OffsetFetch v\(version) cannot list all of a group's offsets (needs v2)")
        }
        var request = OffsetFetchRequest()
        request.requireStable = requireStable && version >= 7
        let grouped = partitions.map { Dictionary(grouping: $0, by: \.topic) }
        if version >= 8 {
            var entry = OffsetFetchRequest.OffsetFetchRequestGroup()
            entry.groupId = group
            entry.topics = grouped.map { byTopic in
                byTopic.keys.sorted().map { .init(name: $0, partitionIndexes: (byTopic[$0] ?? []).map(\.partition).sorted()) }
            }
            request.groups = [entry]
        } else {
            request.groupId = group
            request.topics = grouped.map { byTopic in
                byTopic.keys.sorted().map { .init(name: $0, partitionIndexes: (byTopic[$0] ?? []).map(\.partition).sorted()) }
            }
        }
        return request
    }

    struct Fetched {
        /// The group's error, or `.noError`.
        var error: ErrorCode
        /// Committed offsets (nil: nothing committed), with each partition's error.
        var partitions: [TopicPartition: (offset: OffsetAndMetadata?, error: ErrorCode)]
    }

    static func fetchResponse(_ response: OffsetFetchResponse, group: String, version: Int16) -> Fetched {
        var fetched = Fetched(error: .noError, partitions: [:])
        func add(_ tp: TopicPartition, offset: Int64, epoch: Int32, metadata: String?, error: Int16) {
            let value = offset >= 0 ? OffsetAndMetadata(offset: offset, leaderEpoch: epoch >= 0 ? epoch : nil, metadata: metadata ?? "") : nil
            fetched.partitions[tp] = (value, ErrorCode(error))
        }
        if version >= 8 {
            guard let entry = response.groups.first(where: { $0.groupId == group }) else {
                return Fetched(error: .unknownServerError, partitions: [:])
            }
            fetched.error = ErrorCode(entry.errorCode)
            for topic in entry.topics {
                for p in topic.partitions {
                    add(TopicPartition(topic.name, p.partitionIndex), offset: p.committedOffset, epoch: p.committedLeaderEpoch, metadata: p.metadata, error: p.errorCode)
                }
            }
            return fetched
        }
        fetched.error = ErrorCode(response.errorCode)
        for topic in response.topics {
            for p in topic.partitions {
                add(TopicPartition(topic.name, p.partitionIndex), offset: p.committedOffset, epoch: p.committedLeaderEpoch, metadata: p.metadata, error: p.errorCode)
            }
        }
        // Before v2 group errors came back on every partition, as Kafka's client reads them.
        if version < 2, fetched.error == .noError,
            let groupError = fetched.partitions.values.map(\.error).first(where: { $0.meansCoordinatorMoved || $0 == .coordinatorLoadInProgress || $0 == .groupAuthorizationFailed })
        {
            fetched.error = groupError
        }
        return fetched
    }
}
