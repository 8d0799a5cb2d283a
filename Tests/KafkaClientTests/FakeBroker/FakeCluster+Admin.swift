import KafkaProtocol
import KafkaRecords
import NIOCore

extension FakeCluster {
    func createTopics(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(CreateTopicsRequest.self)
        var response = CreateTopicsResponse()
        state.withLock { state in
            for topic in request.topics {
                var result = CreateTopicsResponse.CreatableTopicResult()
                result.name = topic.name
                result.errorMessage = nil
                if state.topics[topic.name] != nil {
                    result.errorCode = ErrorCode.topicAlreadyExists.rawValue
                    result.errorMessage = "Topic '\(topic.name)' already exists."
                } else if topic.numPartitions == 0 || topic.numPartitions < -1 {
                    result.errorCode = ErrorCode.invalidPartitions.rawValue
                } else {
                    let count = topic.numPartitions == -1 ? 1 : Int(topic.numPartitions)
                    let id = KafkaUUID.random()
                    result.topicId = id
                    result.numPartitions = Int32(count)
                    result.replicationFactor = topic.replicationFactor == -1 ? 1 : topic.replicationFactor
                    if !request.validateOnly {
                        let brokers = max(state.ports.count, 1)
                        var fake = FakeTopic(id: id, partitions: (0..<count).map { FakePartition(leader: Int32($0 % brokers)) })
                        for config in topic.configs { fake.configs[config.name] = config.value }
                        state.topics[topic.name] = fake
                    }
                }
                response.topics.append(result)
            }
        }
        return .response(response, to: frame)
    }

    func deleteTopics(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(DeleteTopicsRequest.self)
        let names = frame.apiVersion >= 6 ? request.topics.compactMap(\.name) : request.topicNames
        var response = DeleteTopicsResponse()
        state.withLock { state in
            for name in names {
                var result = DeleteTopicsResponse.DeletableTopicResult()
                result.name = name
                if state.topics.removeValue(forKey: name) == nil {
                    result.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                }
                response.responses.append(result)
            }
        }
        return .response(response, to: frame)
    }

    func createPartitions(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(CreatePartitionsRequest.self)
        var response = CreatePartitionsResponse()
        state.withLock { state in
            for topic in request.topics {
                var result = CreatePartitionsResponse.CreatePartitionsTopicResult()
                result.name = topic.name
                if let fake = state.topics[topic.name] {
                    if Int(topic.count) <= fake.partitions.count {
                        result.errorCode = ErrorCode.invalidPartitions.rawValue
                        result.errorMessage = "Topic currently has \(fake.partitions.count) partitions."
                    } else if !request.validateOnly {
                        let brokers = max(state.ports.count, 1)
                        for index in fake.partitions.count..<Int(topic.count) {
                            state.topics[topic.name]?.partitions.append(FakePartition(leader: Int32(index % brokers)))
                        }
                    }
                } else {
                    result.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                }
                response.results.append(result)
            }
        }
        return .response(response, to: frame)
    }

    func describeConfigs(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(DescribeConfigsRequest.self)
        var response = DescribeConfigsResponse()
        state.withLock { state in
            for resource in request.resources {
                var result = DescribeConfigsResponse.DescribeConfigsResult()
                result.resourceType = resource.resourceType
                result.resourceName = resource.resourceName
                result.errorMessage = nil
                var entries: [(String, String, Int8)] = []
                if resource.resourceType == 2 {  // topic
                    if let topic = state.topics[resource.resourceName] {
                        entries = topic.configs.sorted { $0.key < $1.key }.map { ($0.key, $0.value, 1) }
                        entries.append(("cleanup.policy", "delete", 5))
                    } else {
                        result.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                    }
                } else {
                    entries = state.brokerConfigs.sorted { $0.key < $1.key }.map { ($0.key, $0.value, 4) }
                }
                result.configs = entries.map {
                    var entry = DescribeConfigsResponse.DescribeConfigsResourceResult()
                    entry.name = $0.0
                    entry.value = $0.1
                    entry.configSource = $0.2
                    entry.isDefault = frame.apiVersion == 0 && $0.2 == 5
                    entry.documentation = nil
                    return entry
                }
                response.results.append(result)
            }
        }
        return .response(response, to: frame)
    }

    func incrementalAlterConfigs(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(IncrementalAlterConfigsRequest.self)
        var response = IncrementalAlterConfigsResponse()
        state.withLock { state in
            for resource in request.resources {
                var result = IncrementalAlterConfigsResponse.AlterConfigsResourceResponse()
                result.resourceType = resource.resourceType
                result.resourceName = resource.resourceName
                result.errorMessage = nil
                if resource.resourceType == 2, state.topics[resource.resourceName] == nil {
                    result.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                } else if !request.validateOnly {
                    for config in resource.configs {
                        let name = resource.resourceName
                        var current: String? = resource.resourceType == 2 ? state.topics[name]?.configs[config.name] : state.brokerConfigs[config.name]
                        switch config.configOperation {
                        case 0: current = config.value
                        case 1: current = nil
                        case 2: current = [current, config.value].compactMap { $0 }.joined(separator: ",")
                        default:
                            let remove = Set((config.value ?? "").split(separator: ","))
                            current = current?.split(separator: ",").filter { !remove.contains($0) }.joined(separator: ",")
                        }
                        if resource.resourceType == 2 { state.topics[name]?.configs[config.name] = current }
                        else { state.brokerConfigs[config.name] = current }
                    }
                }
                response.responses.append(result)
            }
        }
        return .response(response, to: frame)
    }
}
