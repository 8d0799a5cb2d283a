import GroupCoordinator
import KafkaProtocol
import KafkaRecords

/// OffsetDelete (key 47), version 0: deletes a group's offsets of topics it does not consume
/// (GROUP_SUBSCRIBED_TO_TOPIC otherwise).
struct OffsetDeleteHandler: APIHandler {
    typealias Request = OffsetDeleteRequest
    static let versions: ClosedRange<Int16> = 0...0

    let broker: BrokerContext

    func handle(_ request: OffsetDeleteRequest, context: RequestContext) async throws -> OffsetDeleteResponse? {
        let partitions = request.topics.flatMap { topic in topic.partitions.map { TopicPartition(topic.name, $0.partitionIndex) } }
        var response = OffsetDeleteResponse()
        let (error, errors): (ErrorCode, [TopicPartition: ErrorCode])
        switch broker.groups.shard(for: request.groupId, image: broker.metadata.image) {
        case .failure(let failure): (error, errors) = (failure, [:])
        case .success(let shard): (error, errors) = await shard.deleteOffsets(groupId: request.groupId, partitions: partitions, now: broker.clock())
        }
        response.errorCode = error.rawValue
        guard error == .noError else { return response }
        response.topics = request.topics.map { topic in
            .init(name: topic.name, partitions: topic.partitions.map {
                .init(partitionIndex: $0.partitionIndex, errorCode: (errors[TopicPartition(topic.name, $0.partitionIndex)] ?? .noError).rawValue)
            })
        }
        return response
    }
}
