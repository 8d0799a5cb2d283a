import Controller
import KafkaProtocol
import NIOCore
import Testing

/// Deletion, partition growth, config changes, producer ids and the metadata record format.
@Suite struct ControllerOperationsTests {
    private func machineWithTopic(_ name: String = "t", partitions: Int32 = 2) -> ControllerStateMachine {
        var machine = TopicCreationTests.controller()
        TopicCreationTests.commit(machine.createTopics(TopicCreationTests.request(name, partitions: partitions)).records, to: &machine)
        return machine
    }

    @Test func deletesByNameAndById() {
        var machine = machineWithTopic("gone")
        let id = machine.image.topic(named: "gone")!.id
        let byName = machine.deleteTopics(DeleteTopicsRequest(topicNames: ["gone", "never"]), version: 5)
        #expect(byName.response.responses.map(\.errorCode) == [0, ErrorCode.unknownTopicOrPartition.rawValue])
        #expect(byName.records.count == 1)
        let byId = machine.deleteTopics(DeleteTopicsRequest(topics: [.init(name: nil, topicId: id)]), version: 6)
        #expect(byId.response.responses[0].name == "gone")
        TopicCreationTests.commit(byName.records, to: &machine)
        #expect(machine.image.topic(named: "gone") == nil)
        #expect(machine.image.topic(id: id) == nil)
        let unknownId = machine.deleteTopics(DeleteTopicsRequest(topics: [.init(name: nil, topicId: .random())]), version: 6)
        #expect(ErrorCode(unknownId.response.responses[0].errorCode) == .unknownTopicId)
    }

    @Test func partitionsOnlyGrow() {
        var machine = machineWithTopic("grow", partitions: 2)
        let grow = machine.createPartitions(CreatePartitionsRequest(topics: [.init(name: "grow", count: 5, assignments: nil)]))
        #expect(grow.response.results[0].errorCode == 0)
        TopicCreationTests.commit(grow.records, to: &machine)
        #expect(machine.image.topic(named: "grow")?.partitions.count == 5)
        let shrink = machine.createPartitions(CreatePartitionsRequest(topics: [.init(name: "grow", count: 3, assignments: nil)]))
        #expect(ErrorCode(shrink.response.results[0].errorCode) == .invalidPartitions)
        #expect(shrink.response.results[0].errorMessage?.contains("higher than the requested 3") == true)
    }

    @Test func incrementalConfigChanges() {
        var machine = machineWithTopic("cfg")
        func alter(_ name: String, _ operation: ControllerStateMachine.ConfigOperation, _ value: String?) -> IncrementalAlterConfigsResponse {
            let resource = IncrementalAlterConfigsRequest.AlterConfigsResource(
                resourceType: ConfigResource.topicType, resourceName: "cfg",
                configs: [.init(name: name, configOperation: operation.rawValue, value: value)])
            let result = machine.incrementalAlterConfigs(IncrementalAlterConfigsRequest(resources: [resource]))
            TopicCreationTests.commit(result.records, to: &machine)
            return result.response
        }
        #expect(alter("retention.ms", .set, "5000").responses[0].errorCode == 0)
        #expect(machine.configs.topicValues("cfg")["retention.ms"] == "5000")
        #expect(machine.configs.resolvedTopicConfigs("cfg").first { $0.name == "retention.ms" }?.source == .dynamicTopicConfig)
        #expect(alter("retention.ms", .delete, nil).responses[0].errorCode == 0)
        #expect(machine.configs.topicValues("cfg")["retention.ms"] == "604800000")
        #expect(ErrorCode(alter("retention.ms", .append, "1").responses[0].errorCode) == .invalidConfig)
        #expect(ErrorCode(alter("segment.bytes", .set, "3").responses[0].errorCode) == .invalidConfig)
    }

    @Test func topicDefaultsFollowBrokerConfigs() {
        let machine = TopicCreationTests.controller(configs: ["log.retention.hours": "1"])
        let config = machine.configs.topicConfig(TopicConfigCatalog.named("retention.ms")!, topic: "any")
        #expect(config.value == "3600000")
        #expect(config.source == .staticBrokerConfig)
        #expect(config.synonyms.first?.name == "log.retention.hours")
    }

    @Test func producerIdBlocksNeverOverlap() {
        var machine = TopicCreationTests.controller()
        let first = machine.allocateProducerIds(brokerId: 1, brokerEpoch: 2)
        TopicCreationTests.commit(first.records, to: &machine)
        let second = machine.allocateProducerIds(brokerId: 1, brokerEpoch: 2)
        #expect(first.response == 0...999)
        #expect(second.response == 1000...1999)
    }

    @Test func metadataRecordsRoundTripThroughTheirFraming() throws {
        let record = TopicRecord(name: "x", topicId: KafkaUUID(high: 1, low: 2))
        let bytes = try MetadataRecordSerde.encode(record)
        #expect(Array(bytes.readableBytesView.prefix(3)) == [1, 2, 0])  // frame version 1, type 2, version 0
        let decoded = try MetadataRecordSerde.decode(bytes)
        #expect((decoded as? TopicRecord) == record)
        #expect(throws: MetadataRecordError.unknownRecordType(99)) { try MetadataRecordSerde.decode(ByteBuffer(bytes: [1, 99, 0])) }
    }

    @Test func placementMatchesKafkasRackUnawareLayout() {
        let placement = ReplicaPlacement(brokers: [1, 2, 3, 4], seed: 0)
        let layout = placement.assign(partitions: 8, replicationFactor: 2)
        #expect(layout.map(\.first!) == [1, 2, 3, 4, 1, 2, 3, 4])
        #expect(layout.allSatisfy { Set($0).count == 2 })
        #expect(layout[0] != layout[4], "followers shift after each round")
    }
}
