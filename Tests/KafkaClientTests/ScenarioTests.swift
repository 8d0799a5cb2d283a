import KafkaProtocol
import KafkaRecords
import NIOCore
import Synchronization
import Testing

@testable import KafkaClient

/// End-to-end scenarios that run against the fake and, when `GREGOR_TEST_BOOTSTRAP` names one, a live
/// broker: what works here must work against Gregor and Apache Kafka alike.
@Suite("Scenarios (fake and live)", .timeLimit(.minutes(2)))
struct ScenarioTests {
    @Test(arguments: TestTarget.all)
    func produceThenConsumeRoundTrip(target: TestTarget) async throws {
        try await target.run { cluster in
            let topic = cluster.uniqueTopic("roundtrip")
            try await cluster.createTopic(topic, partitions: 3)
            let producer = try KafkaProducer(clientConfiguration: cluster.configuration())
            var sent: [String: RecordMetadata] = [:]
            for index in 0..<30 {
                let metadata = try await producer.send(
                    topic: topic, key: ByteBuffer(string: "key-\(index % 7)"), value: ByteBuffer(string: "value-\(index)"),
                    headers: [("index", ByteBuffer(string: "\(index)"))])
                sent["value-\(index)"] = metadata
                #expect(metadata.partition == Partitioner.partition(forKey: ByteBuffer(string: "key-\(index % 7)"), partitionCount: 3))
            }
            await producer.close()

            var configuration = ConsumerConfiguration()
            configuration.autoOffsetReset = .earliest
            configuration.fetchMaxWait = .milliseconds(100)
            let consumer = KafkaConsumer(clientConfiguration: try cluster.configuration(), configuration: configuration)
            let partitions = (0..<3).map { TopicPartition(topic, Int32($0)) }
            await consumer.assign(partitions)
            var received: [ConsumerRecord] = []
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(20)
            while received.count < 30, clock.now < deadline {
                received += try await consumer.poll(timeout: .milliseconds(500))
            }
            #expect(received.count == 30)
            for record in received {
                let value = record.value.map { String(buffer: $0) } ?? ""
                #expect(sent[value]?.offset == record.offset)
                #expect(sent[value]?.partition == record.partition)
                #expect(record.headers.first?.key == "index")
            }
            for tp in partitions {
                let offsets = received.filter { $0.partition == tp.partition }.map(\.offset)
                #expect(offsets == offsets.sorted())
                #expect(await consumer.lag(tp) == 0)
            }
            await consumer.close()
        }
    }

    @Test(arguments: TestTarget.all)
    func bulkIdempotentProduceArrivesOnceInOrder(target: TestTarget) async throws {
        try await target.run { cluster in
            let topic = cluster.uniqueTopic("bulk")
            try await cluster.createTopic(topic, partitions: 1)
            var configuration = ProducerConfiguration()
            configuration.batchSize = 4096
            let producer = try KafkaProducer(clientConfiguration: cluster.configuration(), configuration: configuration)
            let failures = Atomic<Int>(0)
            for index in 0..<5000 {
                try await producer.send(ProducerRecord(topic: topic, key: nil, value: "record-\(index)")) { result in
                    if case .failure = result { failures.add(1, ordering: .relaxed) }
                }
            }
            await producer.flush()
            #expect(failures.load(ordering: .relaxed) == 0)
            await producer.close()

            let admin = KafkaAdmin(clientConfiguration: try cluster.configuration())
            let tp = TopicPartition(topic, 0)
            let end = try #require(try await admin.listOffsets([tp: .latest])[tp]).get()
            #expect(end.offset == 5000)
            await admin.close()

            let consumer = KafkaConsumer(clientConfiguration: try cluster.configuration())
            await consumer.assign([tp])
            try await consumer.seekToBeginning()
            var values: [String] = []
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(20)
            while values.count < 5000, clock.now < deadline {
                values += try await consumer.poll(timeout: .milliseconds(500)).map { $0.value.map { String(buffer: $0) } ?? "" }
            }
            #expect(values == (0..<5000).map { "record-\($0)" })
            await consumer.close()
        }
    }

    @Test(arguments: TestTarget.all)
    func adminLifecycle(target: TestTarget) async throws {
        try await target.run { cluster in
            let admin = KafkaAdmin(clientConfiguration: try cluster.configuration())
            let topic = cluster.uniqueTopic("admin")
            let created = try await admin.createTopics([NewTopic(name: topic, partitions: 2, replicationFactor: 1)])
            #expect(created.first?.error == nil)
            let again = try await admin.createTopics([NewTopic(name: topic, partitions: 2, replicationFactor: 1)])
            #expect(again.first?.error?.brokerError == .topicAlreadyExists)
            #expect(await eventually { (try? await admin.listTopics().map(\.name).contains(topic)) == true })
            let description = try await admin.describeCluster()
            #expect(!description.brokers.isEmpty)
            let configs = try await admin.describeConfigs([.topic(topic)])
            #expect(configs.first?.error == nil)
            let deleted = try await admin.deleteTopics([topic])
            #expect(deleted.first?.error == nil)
            await admin.close()
        }
    }
}
