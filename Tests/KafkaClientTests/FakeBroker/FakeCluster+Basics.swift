import KafkaProtocol
import KafkaRecords
import NIOCore

extension FakeCluster {
    func apiVersions(_ frame: KafkaRequestFrame) -> FakeReply {
        let ranges = state.withLock { $0.apiRanges }
        let own = ranges[.apiVersions] ?? 0...0
        guard own.contains(frame.apiVersion) else {
            // KIP-511: a v0 body with UNSUPPORTED_VERSION and our ApiVersions range.
            var response = ApiVersionsResponse()
            response.errorCode = ErrorCode.unsupportedVersion.rawValue
            response.apiKeys = [.init(apiKey: ApiKey.apiVersions.rawValue, minVersion: own.lowerBound, maxVersion: own.upperBound)]
            return .response(response, to: frame, headerVersion: 0, version: 0)
        }
        var response = ApiVersionsResponse()
        response.apiKeys = ranges.sorted { $0.key < $1.key }.map {
            .init(apiKey: $0.key.rawValue, minVersion: $0.value.lowerBound, maxVersion: $0.value.upperBound)
        }
        return .response(response, to: frame)
    }

    func metadata(_ frame: KafkaRequestFrame) throws -> FakeReply {
        let request = try frame.decode(MetadataRequest.self)
        let response = state.withLock { state -> MetadataResponse in
            var response = MetadataResponse()
            response.brokers = state.ports.sorted { $0.key < $1.key }.map {
                .init(nodeId: $0.key, host: "127.0.0.1", port: Int32($0.value))
            }
            response.clusterId = state.clusterId
            response.controllerId = state.controllerId
            let names = request.topics.map { $0.compactMap(\.name) } ?? state.topics.keys.sorted()
            for name in names {
                if state.topics[name] == nil, request.allowAutoTopicCreation, let count = state.autoCreatePartitions {
                    let brokers = max(state.ports.count, 1)
                    state.topics[name] = FakeTopic(
                        id: .random(), partitions: (0..<Int(count)).map { FakePartition(leader: Int32($0 % brokers)) })
                }
                var topic = MetadataResponse.MetadataResponseTopic()
                topic.name = name
                guard let fake = state.topics[name] else {
                    topic.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                    response.topics.append(topic)
                    continue
                }
                topic.topicId = fake.id
                topic.partitions = fake.partitions.enumerated().map { index, partition in
                    var entry = MetadataResponse.MetadataResponsePartition()
                    entry.partitionIndex = Int32(index)
                    entry.leaderId = partition.leader
                    entry.leaderEpoch = partition.leaderEpoch
                    entry.replicaNodes = [partition.leader]
                    entry.isrNodes = [partition.leader]
                    return entry
                }
                response.topics.append(topic)
            }
            return response
        }
        return .response(response, to: frame)
    }

    func initProducerId(_ frame: KafkaRequestFrame) throws -> FakeReply {
        _ = try frame.decode(InitProducerIdRequest.self)
        var response = InitProducerIdResponse()
        response.producerId = state.withLock { state in
            defer { state.nextProducerId += 1 }
            return state.nextProducerId
        }
        response.producerEpoch = 0
        return .response(response, to: frame)
    }

    func describeCluster(_ frame: KafkaRequestFrame) throws -> FakeReply {
        _ = try frame.decode(DescribeClusterRequest.self)
        var response = DescribeClusterResponse()
        state.withLock { state in
            response.clusterId = state.clusterId
            response.controllerId = state.controllerId
            response.brokers = state.ports.sorted { $0.key < $1.key }.map {
                .init(brokerId: $0.key, host: "127.0.0.1", port: Int32($0.value))
            }
        }
        return .response(response, to: frame)
    }
}
