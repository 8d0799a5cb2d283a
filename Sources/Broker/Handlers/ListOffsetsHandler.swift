import KafkaProtocol
import KafkaRecords

/// ListOffsets (key 2), versions 1-8: the earliest offset (-2), the latest (-1: the high watermark, or
/// the last stable offset for read_committed, equal here without transactions), the offset of the
/// largest timestamp (-3, v7+), the earliest local offset (-4, v8+), or the first offset whose
/// timestamp is at least the one asked for. v0 (several offsets per partition) is gone from Kafka 4.0.
struct ListOffsetsHandler: APIHandler {
    typealias Request = ListOffsetsRequest
    static let versions: ClosedRange<Int16> = 1...8

    static let latest: Int64 = -1
    static let earliest: Int64 = -2
    static let maxTimestamp: Int64 = -3
    static let earliestLocal: Int64 = -4

    let broker: BrokerContext

    func handle(_ request: ListOffsetsRequest, context: RequestContext) async throws -> ListOffsetsResponse? {
        var response = ListOffsetsResponse()
        for topic in request.topics {
            var answer = ListOffsetsResponse.ListOffsetsTopicResponse(name: topic.name)
            for partition in topic.partitions {
                var result = lookup(partition, topic: topic.name, replicaId: request.replicaId)
                if context.apiVersion < 4 { result.leaderEpoch = -1 }
                answer.partitions.append(result)
            }
            response.topics.append(answer)
        }
        return response
    }

    /// Kafka's id for a debugging consumer, which may read from any replica.
    static let debuggingReplicaId: Int32 = -2

    /// One partition's answer. Only the leader answers (a debugging client may ask any replica); a
    /// follower broker (`replicaId` ≥ 0) asking for the latest offset gets the log end, not the high
    /// watermark, as Kafka's `fetchOffsetForTimestamp` gives it when no isolation level applies.
    private func lookup(_ request: ListOffsetsRequest.ListOffsetsPartition, topic: String, replicaId: Int32) -> ListOffsetsResponse.ListOffsetsPartitionResponse {
        var result = ListOffsetsResponse.ListOffsetsPartitionResponse(partitionIndex: request.partitionIndex)
        guard let partition = broker.replicas.partition(TopicPartition(topic, request.partitionIndex)) else {
            result.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
            return result
        }
        let epoch = partition.leaderEpoch
        if request.currentLeaderEpoch >= 0 && request.currentLeaderEpoch != epoch {
            result.errorCode = (request.currentLeaderEpoch < epoch ? ErrorCode.fencedLeaderEpoch : .unknownLeaderEpoch).rawValue
            return result
        }
        guard partition.isLeader || replicaId == Self.debuggingReplicaId else {
            result.errorCode = ErrorCode.notLeaderOrFollower.rawValue
            return result
        }
        let highWatermark = partition.highWatermark
        do {
            switch request.timestamp {
            case Self.latest:
                (result.offset, result.leaderEpoch) = (replicaId >= 0 ? partition.log.logEndOffset : highWatermark, epoch)
            case Self.earliest, Self.earliestLocal:
                let found = partition.log.earliestOffset()
                (result.offset, result.leaderEpoch) = (found.offset, found.leaderEpoch ?? -1)
            case Self.maxTimestamp:
                if let found = try partition.log.offsetOfMaxTimestamp(), found.offset < highWatermark {
                    (result.timestamp, result.offset, result.leaderEpoch) = (found.timestamp, found.offset, found.leaderEpoch ?? -1)
                }
            case let target where target >= 0:
                if let found = try partition.log.offset(forTimestamp: target), found.offset < highWatermark {
                    (result.timestamp, result.offset, result.leaderEpoch) = (found.timestamp, found.offset, found.leaderEpoch ?? -1)
                }
            default:
                result.errorCode = ErrorCode.invalidRequest.rawValue
            }
        } catch {
            broker.logger.error("list offsets failed", metadata: ["partition": "\(partition.topicPartition)", "error": "\(error)"])
            result.errorCode = ErrorCode.kafkaStorageError.rawValue
        }
        return result
    }
}
