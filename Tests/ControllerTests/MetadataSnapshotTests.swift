import Controller
import KafkaProtocol
import Testing

/// A metadata snapshot's records rebuild the image they were taken from (KIP-630): brokers with their
/// epochs and fencing, topics with partition leadership and epochs, configs, features and producer ids.
@Suite struct MetadataSnapshotTests {
    @Test func snapshotRecordsRebuildTheImage() {
        var machine = TopicCreationTests.controller(brokers: [1, 2, 3])
        TopicCreationTests.commit(machine.createTopics(TopicCreationTests.request("orders", partitions: 3, factor: 3, configs: ["retention.ms": "60000"])).records, to: &machine)
        TopicCreationTests.commit(machine.createTopics(TopicCreationTests.request("clicks", partitions: 1)).records, to: &machine)
        TopicCreationTests.commit(machine.allocateProducerIds(brokerId: 1, brokerEpoch: 0).records, to: &machine)
        // A leader change and a fenced broker, so the epochs and flags are not their defaults.
        var change = PartitionChangeRecord()
        change.topicId = machine.image.topic(named: "orders")!.id
        change.partitionId = 0
        change.leader = 2
        change.isr = [2, 3]
        var fence = BrokerRegistrationChangeRecord()
        fence.brokerId = 1
        fence.brokerEpoch = machine.image.brokers[1]!.epoch
        fence.fenced = 1
        TopicCreationTests.commit([change, fence], to: &machine)
        let image = machine.image

        var restored = TopicCreationTests.controller()
        restored.load(snapshot: image.snapshotRecords(), endOffset: image.offset + 1)
        #expect(restored.image == image)
        #expect(restored.image.partition("orders", 0)?.leaderEpoch == 1)
        #expect(restored.image.brokers[1]?.fenced == true)
    }
}
