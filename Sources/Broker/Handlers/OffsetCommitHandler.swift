import GroupCoordinator
import KafkaProtocol
import KafkaRecords

/// OffsetCommit (key 8), versions 2-9: commits a group's offsets, answered once the records are in
/// `__consumer_offsets`. Partitions that do not exist get UNKNOWN_TOPIC_OR_PARTITION. (v0-1 are gone
/// from Kafka 4.0.)
struct OffsetCommitHandler: APIHandler {
    typealias Request = OffsetCommitRequest
    static let versions: ClosedRange<Int16> = 2...9

    let broker: BrokerContext

    func handle(_ request: OffsetCommitRequest, context: RequestContext) async throws -> OffsetCommitResponse? {
        let image = broker.metadata.image
        let now = broker.clock()
        var errors: [TopicPartition: ErrorCode] = [:]
        var offsets: [OffsetToCommit] = []
        for topic in request.topics {
            for partition in topic.partitions {
                let tp = TopicPartition(topic.name, partition.partitionIndex)
                guard image.partition(topic.name, partition.partitionIndex) != nil else {
                    errors[tp] = .unknownTopicOrPartition
                    continue
                }
                offsets.append(
                    OffsetToCommit(
                        partition: tp, offset: partition.committedOffset, leaderEpoch: partition.committedLeaderEpoch,
                        metadata: partition.committedMetadata))
            }
        }
        switch broker.groups.shard(for: request.groupId, image: image) {
        case .failure(let error):
            for offset in offsets { errors[offset.partition] = error }
        case .success(let shard):
            // v2-v4 may ask for a retention; -1 means the broker's (KIP-211).
            let expire = context.apiVersion <= 4 && request.retentionTimeMs != -1 ? now + request.retentionTimeMs : nil
            let committed = await shard.commitOffsets(
                groupId: request.groupId, memberId: request.memberId,
                groupInstanceId: context.apiVersion >= 7 ? request.groupInstanceId : nil,
                generationId: request.generationIdOrMemberEpoch, offsets: offsets, expireTimestamp: expire, now: now)
            errors.merge(committed) { $1 }
        }
        var response = OffsetCommitResponse()
        response.topics = request.topics.map { topic in
            OffsetCommitResponse.OffsetCommitResponseTopic(
                name: topic.name,
                partitions: topic.partitions.map {
                    .init(partitionIndex: $0.partitionIndex, errorCode: (errors[TopicPartition(topic.name, $0.partitionIndex)] ?? .noError).rawValue)
                })
        }
        return response
    }
}
