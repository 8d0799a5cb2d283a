import Controller
import KafkaProtocol

/// Metadata (key 3), versions 0-12: brokers, controller, cluster id, and topics with their partitions'
/// leaders, replicas and ISR. Unknown topics are created when `auto.create.topics.enable` allows and
/// the request asks (v4+) or implies (v0-3) it; like Kafka, the answer that creates a topic says
/// LEADER_NOT_AVAILABLE and the client asks again.
struct MetadataHandler: APIHandler {
    typealias Request = MetadataRequest
    static let versions: ClosedRange<Int16> = 0...12

    let broker: BrokerContext

    func handle(_ request: MetadataRequest, context: RequestContext) async throws -> MetadataResponse? {
        var image = broker.metadata.image
        let version = context.apiVersion
        // v0 asks for all topics with an empty list; v1+ with null.
        let all = request.topics == nil || (version == 0 && request.topics?.isEmpty == true)
        var requested: [(name: String?, id: KafkaUUID)] = []
        if !all { requested = (request.topics ?? []).map { ($0.name, $0.topicId) } }
        let autoCreate = broker.config.autoCreateTopics && (version < 4 || request.allowAutoTopicCreation)
        var creating: Set<String> = []
        if autoCreate {
            // Internal topics are created by their own component (the group coordinator), never here.
            let missing = requested.compactMap(\.name).filter {
                image.topic(named: $0) == nil && TopicNames.problem(with: $0) == nil && !TopicNames.isInternal($0)
            }
            if !missing.isEmpty {
                creating = await createTopics(Set(missing))
                image = broker.metadata.image
            }
        }
        var response = MetadataResponse()
        response.brokers = image.liveBrokers.map {
            MetadataResponse.MetadataResponseBroker(nodeId: $0.id, host: $0.host, port: $0.port, rack: $0.rack)
        }
        response.clusterId = image.clusterId
        response.controllerId = broker.controller.controllerId.id
        if all {
            response.topics = image.topicsByName.keys.sorted().compactMap { image.topic(named: $0) }.map { describe($0, version: version) }
        } else {
            response.topics = requested.map { target in
                if let name = target.name, creating.contains(name) {
                    return MetadataResponse.MetadataResponseTopic(errorCode: ErrorCode.leaderNotAvailable.rawValue, name: name)
                }
                let topic = target.name.flatMap { image.topic(named: $0) } ?? (target.id.isZero ? nil : image.topic(id: target.id))
                guard let topic else { return missingTopic(target) }
                return describe(topic, version: version)
            }
        }
        return response
    }

    private func createTopics(_ names: Set<String>) async -> Set<String> {
        var request = CreateTopicsRequest()
        request.topics = names.sorted().map { CreateTopicsRequest.CreatableTopic(name: $0, numPartitions: -1, replicationFactor: -1) }
        let response = await broker.controller.createTopics(request)
        return Set(response.topics.filter { $0.errorCode == 0 || $0.errorCode == ErrorCode.topicAlreadyExists.rawValue }.map(\.name))
    }

    private func missingTopic(_ target: (name: String?, id: KafkaUUID)) -> MetadataResponse.MetadataResponseTopic {
        if let name = target.name {
            let code: ErrorCode = TopicNames.problem(with: name) == nil ? .unknownTopicOrPartition : .invalidTopicException
            return MetadataResponse.MetadataResponseTopic(errorCode: code.rawValue, name: name, topicId: target.id)
        }
        return MetadataResponse.MetadataResponseTopic(errorCode: ErrorCode.unknownTopicId.rawValue, name: nil, topicId: target.id)
    }

    private func describe(_ topic: TopicImage, version: Int16) -> MetadataResponse.MetadataResponseTopic {
        var result = MetadataResponse.MetadataResponseTopic(
            name: topic.name, topicId: topic.id, isInternal: TopicNames.isInternal(topic.name))
        if version < 10 { result.topicId = .zero }
        result.partitions = topic.sortedPartitions.map { partition in
            MetadataResponse.MetadataResponsePartition(
                errorCode: partition.leader < 0 ? ErrorCode.leaderNotAvailable.rawValue : 0,
                partitionIndex: partition.index, leaderId: partition.leader,
                leaderEpoch: version >= 7 ? partition.leaderEpoch : -1, replicaNodes: partition.replicas,
                isrNodes: partition.isr, offlineReplicas: [])
        }
        return result
    }
}
