import Controller
import KafkaProtocol
import Testing

@testable import Broker

/// Metadata, topic administration, configs and what survives a restart.
@Suite struct AdminTests {
    @Test func metadataAutoCreatesLikeKafka() async throws {
        let broker = try await TestBroker.start()
        let ask = MetadataRequest(topics: [.init(name: "fresh")], allowAutoTopicCreation: true)
        let first = try await broker.send(ask)
        #expect(ErrorCode(first.topics[0].errorCode) == .leaderNotAvailable, "the creating answer says: ask again")
        let second = try await broker.send(ask)
        #expect(second.topics[0].errorCode == 0)
        #expect(second.topics[0].partitions.map(\.leaderId) == [1])
        #expect(!second.topics[0].topicId.isZero)
        #expect(second.brokers.map(\.nodeId) == [1])
        #expect(second.controllerId == 1)
        let noCreate = try await broker.send(MetadataRequest(topics: [.init(name: "other")], allowAutoTopicCreation: false))
        #expect(ErrorCode(noCreate.topics[0].errorCode) == .unknownTopicOrPartition)
        let badName = try await broker.send(MetadataRequest(topics: [.init(name: "bad name")], allowAutoTopicCreation: true))
        #expect(ErrorCode(badName.topics[0].errorCode) == .invalidTopicException)
    }

    @Test func autoCreationCanBeTurnedOff() async throws {
        let broker = try await TestBroker.start(properties: ["auto.create.topics.enable": "false"])
        let response = try await broker.send(MetadataRequest(topics: [.init(name: "x")], allowAutoTopicCreation: true))
        #expect(ErrorCode(response.topics[0].errorCode) == .unknownTopicOrPartition)
    }

    @Test func deletedTopicsLoseTheirLogs() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("doomed", partitions: 2)
        #expect(broker.fileSystem.allFilePaths.contains { $0.contains("doomed-1/") })
        let response = try await broker.send(DeleteTopicsRequest(topicNames: ["doomed"], timeoutMs: 1000), version: 5)
        #expect(response.responses[0].errorCode == 0)
        #expect(!broker.fileSystem.allFilePaths.contains { $0.contains("doomed-") })
        let metadata = try await broker.send(MetadataRequest(topics: [.init(name: "doomed")], allowAutoTopicCreation: false))
        #expect(ErrorCode(metadata.topics[0].errorCode) == .unknownTopicOrPartition)
    }

    @Test func describeConfigsGivesSourcesAndSynonyms() async throws {
        let broker = try await TestBroker.start(properties: ["log.retention.hours": "2"])
        try await broker.createTopic("cfg", configs: ["segment.bytes": "1048576"])
        let request = DescribeConfigsRequest(
            resources: [.init(resourceType: ConfigResource.topicType, resourceName: "cfg", configurationKeys: nil)],
            includeSynonyms: true, includeDocumentation: true)
        let configs = try await broker.send(request).results[0].configs
        let segment = configs.first { $0.name == "segment.bytes" }
        #expect(segment?.value == "1048576")
        #expect(segment?.configSource == ConfigSource.dynamicTopicConfig.rawValue)
        let retention = configs.first { $0.name == "retention.ms" }
        #expect(retention?.value == "7200000")
        #expect(retention?.configSource == ConfigSource.staticBrokerConfig.rawValue)
        #expect(retention?.synonyms.first?.name == "log.retention.hours")
        #expect(retention?.documentation?.isEmpty == false)
        let plain = DescribeConfigsRequest(resources: request.resources)
        let v0 = try await broker.send(plain, version: 0).results[0].configs.first { $0.name == "segment.bytes" }
        #expect(v0?.isDefault == false)
        let missing = try await broker.send(
            DescribeConfigsRequest(resources: [.init(resourceType: ConfigResource.topicType, resourceName: "nope", configurationKeys: nil)]))
        #expect(ErrorCode(missing.results[0].errorCode) == .unknownTopicOrPartition)
    }

    @Test func configChangesReachTheLog() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("live")
        let resource = IncrementalAlterConfigsRequest.AlterConfigsResource(
            resourceType: ConfigResource.topicType, resourceName: "live",
            configs: [.init(name: "retention.bytes", configOperation: 0, value: "12345")])
        let response = try await broker.send(IncrementalAlterConfigsRequest(resources: [resource]))
        #expect(response.responses[0].errorCode == 0)
        #expect(broker.stack.replicas.partition(.init("live", 0))?.log.config.retentionBytes == 12345)
    }

    @Test func metadataSurvivesARestart() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("kept", partitions: 3, configs: ["retention.ms": "60000"])
        _ = try await broker.produce("kept", partition: 2, batch: try makeBatch(count: 4))
        let firstId = try await broker.send(InitProducerIdRequest(transactionalId: nil)).producerId
        let restarted = try await broker.restart()
        let metadata = try await restarted.send(MetadataRequest(topics: [.init(name: "kept")], allowAutoTopicCreation: false))
        #expect(metadata.topics[0].partitions.count == 3)
        #expect(restarted.stack.replicas.partition(.init("kept", 0))?.log.config.retentionMs == 60000)
        #expect(try await restarted.fetch("kept", partition: 2, offset: 0).decodedRecords().count == 4)
        let secondId = try await restarted.send(InitProducerIdRequest(transactionalId: nil)).producerId
        #expect(secondId > firstId, "producer ids are never handed out twice")
        let transactional = try await restarted.send(InitProducerIdRequest(transactionalId: "tx"))
        #expect(ErrorCode(transactional.errorCode) == .invalidRequest)
    }

    @Test func listOffsetsByTimeAndPosition() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("times")
        _ = try await broker.produce("times", batch: try makeBatch(count: 5, timestamp: 1000))
        _ = try await broker.produce("times", batch: try makeBatch(count: 5, first: 5, timestamp: 1000))
        func lookup(_ timestamp: Int64, version: Int16 = 8) async throws -> ListOffsetsResponse.ListOffsetsPartitionResponse {
            let partition = ListOffsetsRequest.ListOffsetsPartition(partitionIndex: 0, timestamp: timestamp)
            let request = ListOffsetsRequest(replicaId: -1, topics: [.init(name: "times", partitions: [partition])])
            return try await broker.send(request, version: version).topics[0].partitions[0]
        }
        #expect(try await lookup(-2).offset == 0)
        #expect(try await lookup(-1).offset == 10)
        #expect(try await lookup(-1).leaderEpoch == 0)
        #expect(try await lookup(-1, version: 3).leaderEpoch == -1)
        let byTime = try await lookup(1007)
        #expect(byTime.offset == 7)
        #expect(byTime.timestamp == 1007)
        #expect(try await lookup(99_999).offset == -1)
        let maxTimestamp = try await lookup(-3)
        #expect(maxTimestamp.offset == 9)
        #expect(maxTimestamp.timestamp == 1009)
    }
}
