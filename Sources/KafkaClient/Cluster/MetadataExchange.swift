import KafkaProtocol
import NIOCore

/// Builds Metadata requests for a version and reads the responses into `ClusterMetadata`.
enum MetadataExchange {
    /// `topics` nil asks for every topic; `allowAutoCreate` is honoured from v4 (before, brokers always
    /// auto-created when configured to).
    static func request(topics: [String]?, allowAutoCreate: Bool) -> MetadataRequest {
        var request = MetadataRequest()
        request.topics = topics.map { names in names.map { MetadataRequest.MetadataRequestTopic(name: $0) } }
        request.allowAutoTopicCreation = allowAutoCreate
        return request
    }

    static func snapshot(_ response: MetadataResponse, at now: NIODeadline = .now()) -> ClusterMetadata {
        var brokers: [Int32: BrokerInfo] = [:]
        for broker in response.brokers {
            brokers[broker.nodeId] = BrokerInfo(nodeId: broker.nodeId, host: broker.host, port: broker.port, rack: broker.rack)
        }
        var topics: [String: TopicMetadata] = [:]
        for topic in response.topics {
            guard let name = topic.name else { continue }
            let partitions = topic.partitions.map {
                PartitionMetadata(
                    partition: $0.partitionIndex, leader: $0.leaderId, leaderEpoch: $0.leaderEpoch,
                    replicas: $0.replicaNodes, isr: $0.isrNodes, offlineReplicas: $0.offlineReplicas,
                    error: ErrorCode($0.errorCode))
            }
            topics[name] = TopicMetadata(
                name: name, id: topic.topicId, isInternal: topic.isInternal, partitions: partitions,
                error: ErrorCode(topic.errorCode))
        }
        return ClusterMetadata(
            clusterId: response.clusterId, controllerId: response.controllerId >= 0 ? response.controllerId : nil,
            brokers: brokers, topics: topics, fetchedAt: now)
    }

    /// Errors after which cached metadata is stale and must be fetched again before a retry.
    static func invalidatesMetadata(_ error: ErrorCode) -> Bool {
        switch error {
        case .notLeaderOrFollower, .unknownTopicOrPartition, .leaderNotAvailable, .fencedLeaderEpoch,
            .unknownLeaderEpoch, .kafkaStorageError, .notController, .replicaNotAvailable, .unknownTopicId,
            .inconsistentTopicId, .newLeaderElected, .brokerNotAvailable:
            true
        default: false
        }
    }
}
