import GroupCoordinator
import KafkaProtocol
import KafkaRecords

/// OffsetFetch (key 9), versions 1-9: a group's committed offsets (-1 where none), for named partitions
/// or all (null topics, v2+); several groups per request from v8.
struct OffsetFetchHandler: APIHandler {
    typealias Request = OffsetFetchRequest
    static let versions: ClosedRange<Int16> = 1...9

    let broker: BrokerContext

    func handle(_ request: OffsetFetchRequest, context: RequestContext) async throws -> OffsetFetchResponse? {
        var response = OffsetFetchResponse()
        if context.apiVersion >= 8 {
            response.groups = request.groups.map { group in
                let partitions = group.topics.map { $0.flatMap { topic in topic.partitionIndexes.map { TopicPartition(topic.name, $0) } } }
                let (error, offsets) = fetch(group.groupId, partitions)
                var answer = OffsetFetchResponse.OffsetFetchResponseGroup(groupId: group.groupId, errorCode: error.rawValue)
                answer.topics = grouped(offsets).map { name, entries in
                    .init(name: name, partitions: entries.map { partition, offset in
                        .init(partitionIndex: partition, committedOffset: offset?.offset ?? -1, committedLeaderEpoch: offset?.leaderEpoch ?? -1,
                              metadata: offset?.metadata ?? "", errorCode: 0)
                    })
                }
                return answer
            }
            return response
        }
        let partitions = request.topics.map { $0.flatMap { topic in topic.partitionIndexes.map { TopicPartition(topic.name, $0) } } }
        let (error, offsets) = fetch(request.groupId, partitions)
        // v1 has no top-level error: a coordinator error goes on every partition asked for.
        let partitionError: Int16 = context.apiVersion >= 2 ? 0 : error.rawValue
        response.errorCode = context.apiVersion >= 2 ? error.rawValue : 0
        response.topics = grouped(offsets).map { name, entries in
            .init(name: name, partitions: entries.map { partition, offset in
                .init(partitionIndex: partition, committedOffset: offset?.offset ?? -1,
                      committedLeaderEpoch: context.apiVersion >= 5 ? offset?.leaderEpoch ?? -1 : -1, metadata: offset?.metadata ?? "",
                      errorCode: partitionError)
            })
        }
        return response
    }

    private func fetch(_ groupId: String, _ partitions: [TopicPartition]?) -> (ErrorCode, [(TopicPartition, CommittedOffset?)]) {
        switch broker.groups.shard(for: groupId, image: broker.metadata.image) {
        case .failure(let error): return (error, (partitions ?? []).map { ($0, nil) })
        case .success(let shard): return (.noError, shard.fetchOffsets(groupId: groupId, partitions: partitions))
        }
    }

    /// Offsets by topic, topics in order of first appearance.
    private func grouped(_ offsets: [(TopicPartition, CommittedOffset?)]) -> [(String, [(Int32, CommittedOffset?)])] {
        var order: [String] = []
        var byTopic: [String: [(Int32, CommittedOffset?)]] = [:]
        for (partition, offset) in offsets {
            if byTopic[partition.topic] == nil { order.append(partition.topic) }
            byTopic[partition.topic, default: []].append((partition.partition, offset))
        }
        return order.map { ($0, byTopic[$0]!) }
    }
}
