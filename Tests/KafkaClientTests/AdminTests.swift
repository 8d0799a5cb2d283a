import KafkaProtocol
import KafkaRecords
import NIOCore
import Synchronization
import Testing

@testable import KafkaClient

@Suite("Admin: topics, partitions, configs, offsets, cluster", .timeLimit(.minutes(1)))
struct AdminTests {
    func admin(_ cluster: FakeCluster) throws -> KafkaAdmin {
        KafkaAdmin(clientConfiguration: try testConfiguration(cluster.bootstrap))
    }

    @Test func createListDescribeDeleteTopics() async throws {
        try await withFakeCluster(brokers: 2) { cluster in
            cluster.createTopic("existing", partitions: 1)
            let admin = try admin(cluster)
            let created = try await admin.createTopics([
                NewTopic(name: "orders", partitions: 3, replicationFactor: 1, configs: ["retention.ms": "1000"]),
                NewTopic(name: "existing", partitions: 1),
            ])
            #expect(created.first { $0.name == "orders" }?.error == nil)
            #expect(created.first { $0.name == "orders" }?.topicId.isZero == false)
            #expect(created.first { $0.name == "existing" }?.error?.brokerError == .topicAlreadyExists)

            let validated = try await admin.createTopics([NewTopic(name: "dry", partitions: 1)], validateOnly: true)
            #expect(validated.first?.error == nil)
            #expect(try await admin.listTopics().map(\.name) == ["existing", "orders"])

            let described = try await admin.describeTopics(["orders", "nope"])
            #expect(described[0].partitions.count == 3)
            #expect(described[0].partitions.map(\.leader) == [0, 1, 0])
            #expect(described[1].error == .unknownTopicOrPartition)

            let grown = try await admin.createPartitions(["orders": 5, "existing": 1])
            #expect(grown.first { $0.name == "orders" }?.error == nil)
            #expect(grown.first { $0.name == "existing" }?.error?.brokerError == .invalidPartitions)
            #expect(try await admin.describeTopics(["orders"])[0].partitions.count == 5)

            let deleted = try await admin.deleteTopics(["orders", "ghost"])
            #expect(deleted.first { $0.name == "orders" }?.error == nil)
            #expect(deleted.first { $0.name == "ghost" }?.error?.brokerError == .unknownTopicOrPartition)
            #expect(try await admin.listTopics().map(\.name) == ["existing"])
            await admin.close()
        }
    }

    @Test(arguments: [Int16(5), 6])
    func deleteTopicsByNameAtEitherLayout(version: Int16) async throws {
        try await withFakeCluster { cluster in
            cluster.state.withLock { $0.apiRanges[.deleteTopics] = 0...version }
            cluster.createTopic("gone", partitions: 1)
            let admin = try admin(cluster)
            #expect(try await admin.deleteTopics(["gone"]).first?.error == nil)
            #expect(cluster.received(.deleteTopics).first?.version == version)
            await admin.close()
        }
    }

    @Test func retriesWhenTheControllerMoved() async throws {
        try await withFakeCluster { cluster in
            let first = Atomic<Bool>(true)
            cluster.addHook { frame, _ in
                guard frame.apiKey == .createTopics, first.exchange(false, ordering: .relaxed),
                    let request = try? frame.decode(CreateTopicsRequest.self)
                else { return nil }
                var response = CreateTopicsResponse()
                response.topics = request.topics.map {
                    var result = CreateTopicsResponse.CreatableTopicResult()
                    result.name = $0.name
                    result.errorCode = ErrorCode.notController.rawValue
                    return result
                }
                return .response(response, to: frame)
            }
            let admin = try admin(cluster)
            let result = try await admin.createTopics([NewTopic(name: "t", partitions: 1)])
            #expect(result.first?.error == nil)
            #expect(cluster.received(.createTopics).count == 2)
            await admin.close()
        }
    }

    @Test func describeAndAlterConfigs() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            let admin = try admin(cluster)
            let altered = try await admin.incrementalAlterConfigs([
                .topic("t"): [.set("retention.ms", "5000"), AlterConfigOp(name: "cleanup.policy", operation: .append, value: "compact")],
                .topic("missing"): [.set("retention.ms", "1")],
            ])
            #expect(altered.first { $0.name == "topic-t" }?.error == nil)
            #expect(altered.first { $0.name == "topic-missing" }?.error?.brokerError == .unknownTopicOrPartition)

            let described = try await admin.describeConfigs([.topic("t"), .broker(0)])
            let topicEntries = described[0].entries
            #expect(topicEntries.first { $0.name == "retention.ms" }?.value == "5000")
            #expect(topicEntries.first { $0.name == "retention.ms" }?.source == .dynamicTopicConfig)
            #expect(topicEntries.first { $0.name == "cleanup.policy" && $0.isDefault } != nil)
            #expect(described[1].entries.first?.source == .staticBrokerConfig)
            #expect(cluster.received(.describeConfigs).contains { $0.broker == 0 })

            _ = try await admin.incrementalAlterConfigs([.topic("t"): [.delete("retention.ms")]])
            let after = try await admin.describeConfigs([.topic("t")])
            #expect(after[0].entries.first { $0.name == "retention.ms" } == nil)
            await admin.close()
        }
    }

    @Test func listOffsetsEveryKind() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            let tp = TopicPartition("t", 0)
            cluster.append(tp, values: ["a", "b", "c"], timestamp: 1000)
            let admin = try admin(cluster)
            func offset(_ spec: OffsetSpec) async throws -> ListedOffset {
                try #require(try await admin.listOffsets([tp: spec])[tp]).get()
            }
            #expect(try await offset(.earliest).offset == 0)
            #expect(try await offset(.latest).offset == 3)
            #expect(try await offset(.timestamp(1001)).offset == 1)
            #expect(try await offset(.timestamp(9999)).offset == -1)
            #expect(try await offset(.maxTimestamp).offset == 2)
            let missing = try await admin.listOffsets([TopicPartition("t", 9): .latest])
            #expect(throws: KafkaClientError.self) { try missing[TopicPartition("t", 9)]?.get() }
            await admin.close()
        }
    }

    @Test(arguments: [true, false])
    func describeCluster(withDescribeCluster: Bool) async throws {
        try await withFakeCluster(brokers: 3) { cluster in
            if !withDescribeCluster { cluster.state.withLock { $0.apiRanges[.describeCluster] = nil } }
            let admin = try admin(cluster)
            let description = try await admin.describeCluster()
            #expect(description.clusterId == "fake-cluster-id")
            #expect(description.controllerId == 0)
            #expect(description.brokers.map(\.nodeId) == [0, 1, 2])
            #expect(cluster.received(.describeCluster).isEmpty != withDescribeCluster)
            await admin.close()
        }
    }
}
