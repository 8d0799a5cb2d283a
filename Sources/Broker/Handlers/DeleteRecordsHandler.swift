import KafkaProtocol
import KafkaRecords
import LogStorage

/// DeleteRecords (key 21), versions 0-2: moves a partition's log start offset forward (`kafka-delete-records.sh`);
/// segments wholly below it go at the next retention pass. Offset -1 means the high watermark; an offset
/// beyond the high watermark is OFFSET_OUT_OF_RANGE.
struct DeleteRecordsHandler: APIHandler {
    typealias Request = DeleteRecordsRequest
    static let versions: ClosedRange<Int16> = 0...2

    let broker: BrokerContext

    func handle(_ request: DeleteRecordsRequest, context: RequestContext) async throws -> DeleteRecordsResponse? {
        var response = DeleteRecordsResponse()
        for topic in request.topics {
            var result = DeleteRecordsResponse.DeleteRecordsTopicResult(name: topic.name)
            for partition in topic.partitions {
                result.partitions.append(delete(partition, topic: topic.name))
            }
            response.topics.append(result)
        }
        return response
    }

    private func delete(_ request: DeleteRecordsRequest.DeleteRecordsPartition, topic: String) -> DeleteRecordsResponse.DeleteRecordsPartitionResult {
        var result = DeleteRecordsResponse.DeleteRecordsPartitionResult(partitionIndex: request.partitionIndex, lowWatermark: -1)
        guard let partition = broker.replicas.partition(TopicPartition(topic, request.partitionIndex)) else {
            result.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
            return result
        }
        let target = request.offset == -1 ? partition.highWatermark : request.offset
        guard target >= 0, target <= partition.highWatermark else {
            result.errorCode = ErrorCode.offsetOutOfRange.rawValue
            return result
        }
        do {
            result.lowWatermark = try partition.log.deleteRecords(before: target)
        } catch {
            broker.logger.error("delete records failed", metadata: ["partition": "\(partition.topicPartition)", "error": "\(error)"])
            result.errorCode = ErrorCode.kafkaStorageError.rawValue
        }
        return result
    }
}
