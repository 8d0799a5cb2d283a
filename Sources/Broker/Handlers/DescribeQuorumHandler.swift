import KafkaProtocol

/// DescribeQuorum (key 55), versions 0-1: the metadata quorum's leader, epoch, high watermark and each
/// voter's progress (what `kafka-metadata-quorum describe` shows). Kafka answers it on the controller;
/// Gregor answers on every broker, with the leader's view when asked there.
struct DescribeQuorumHandler: APIHandler {
    typealias Request = DescribeQuorumRequest
    static let versions: ClosedRange<Int16> = 0...1

    let broker: BrokerContext

    func handle(_ request: DescribeQuorumRequest, context: RequestContext) async throws -> DescribeQuorumResponse? {
        var response = DescribeQuorumResponse()
        response.topics = request.topics.map { topic in
            var answer = DescribeQuorumResponse.TopicData()
            answer.topicName = topic.topicName
            answer.partitions = topic.partitions.map { partition in
                var unknown = DescribeQuorumResponse.PartitionData()
                unknown.partitionIndex = partition.partitionIndex
                unknown.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                return unknown
            }
            return answer
        }
        for (t, topic) in request.topics.enumerated() where topic.topicName == RaftWire.topic {
            for (p, partition) in topic.partitions.enumerated() where partition.partitionIndex == 0 {
                response.topics[t].partitions[p] = await broker.controller.quorum.describe()
            }
        }
        return response
    }
}
